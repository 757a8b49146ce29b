// What `npm run metrics` runs: the metrics endpoint on its own, fed by a health-check loop over the configured
// nodes so that the lag and eligibility gauges move live even with no application attached.
import type { Config } from '../config';
import { configuredNodes } from '../replication/configured-nodes';
import { type ReplicaPoller, createReplicaPoller } from '../monitor/replica-poller';
import { type AppMetrics, createAppMetrics } from './app-metrics';
import { type MetricsServer, startMetricsServer } from 'rwsplit/metrics';

export interface ServeClusterMetricsOptions {
  readonly config: Pick<Config, 'primaryUrl' | 'replicaUrls' | 'routing'>;
  /** Default 9464; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Health-check interval in ms. Default 1000. */
  readonly intervalMs?: number;
}

export interface ClusterMetricsService {
  readonly metrics: AppMetrics;
  readonly server: MetricsServer;
  readonly poller: ReplicaPoller;
  /** Stops the health checks and the HTTP server. */
  close(): Promise<void>;
}

/** Starts the endpoint, runs one health-check round (so the first scrape has figures), then keeps polling. */
export async function serveClusterMetrics(options: ServeClusterMetricsOptions): Promise<ClusterMetricsService> {
  const metrics = createAppMetrics();
  const poller = createReplicaPoller({
    nodes: configuredNodes(options.config),
    limits: options.config.routing,
    listener: metrics.listener,
    intervalMs: options.intervalMs,
  });
  const server = await startMetricsServer({ registry: metrics.registry, port: options.port, host: options.host });
  await poller.pollOnce();
  poller.start();
  return {
    metrics,
    server,
    poller,
    async close() {
      await poller.stop();
      await server.close();
    },
  };
}
