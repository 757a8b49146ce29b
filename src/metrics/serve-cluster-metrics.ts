// What `npm run metrics` runs: the metrics endpoint on its own, fed by the library's health checker over the
// configured replicas (the router's checks and events, without a router), so that the lag and eligibility gauges
// move live even with no application attached.
import type { Config } from '../config';
import { type AppMetrics, createAppMetrics } from './app-metrics';
import { type ReplicaHealthChecker, createHealthChecker } from 'rwsplit';
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
  /** The library's health checker feeding the metrics. */
  readonly health: ReplicaHealthChecker;
  /** Stops the health checks and the HTTP server. */
  close(): Promise<void>;
}

/** Starts the endpoint, runs one health-check round (so the first scrape has figures), then keeps checking. */
export async function serveClusterMetrics(options: ServeClusterMetricsOptions): Promise<ClusterMetricsService> {
  const metrics = createAppMetrics();
  const { config } = options;
  const intervalMs = options.intervalMs ?? 1000;
  const health = createHealthChecker({
    primaryUrl: config.primaryUrl,
    replicaUrls: config.replicaUrls,
    maxLagMs: config.routing.maxLagMs,
    maxLagBytes: config.routing.maxLagBytes,
    checkIntervalMs: [intervalMs, intervalMs],
    onEvent: metrics.listener,
  });
  const server = await startMetricsServer({ registry: metrics.registry, port: options.port, host: options.host }).catch(
    async (err: unknown) => {
      await health.close();
      throw err;
    },
  );
  await health.start();
  return {
    metrics,
    server,
    health,
    async close() {
      await health.close();
      await server.close();
    },
  };
}
