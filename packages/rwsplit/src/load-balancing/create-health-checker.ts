// The router's health checks without a router: the same hosts, checks, schedule and events, for a process that
// only watches the replicas (a metrics exporter, a dashboard). Nothing is routed and no read pool is ever used.
import { type EventListener, silent } from '../events';
import { DEFAULTS } from '../defaults';
import { resolveHealthCheckOptions } from '../options';
import { nodeAddress } from '../postgres/node-address';
import { parsePostgresUrl } from '../postgres/postgres-url';
import { PrimaryPosition } from '../primary/primary-position';
import { PrimaryTarget } from '../primary/primary-target';
import { WriteClock } from '../primary/write-clock';
import { createNodePool } from '../prisma/node-client';
import { NodeAdapter } from '../prisma/node-adapter';
import { HealthChecker, realScheduler, type Scheduler } from './health-checker';
import { HostList } from './host-list';
import { ReplicaHost, type ReplicaSnapshot } from './replica-host';

export interface HealthCheckerOptions {
  /** The primary, asked for its WAL position each round (the replicas' byte lag is measured against it). */
  readonly primaryUrl: string;
  /** The replicas to check. */
  readonly replicaUrls: readonly string[];
  /** Default `DEFAULTS.maxLagMs`. */
  readonly maxLagMs?: number;
  /** Default `DEFAULTS.maxLagBytes`. */
  readonly maxLagBytes?: number;
  /** Each replica is checked again after a random delay in [min, max] ms. Default `DEFAULTS.checkIntervalMs`. */
  readonly checkIntervalMs?: readonly [number, number];
  /** Default `DEFAULTS.connectTimeoutMs`. */
  readonly connectTimeoutMs?: number;
  /** How long a check may go unanswered before the replica counts as unreachable, in ms. Default: connectTimeoutMs. */
  readonly checkTimeoutMs?: number;
  /** Receives `replica_checked`, `replica_ejected`, `replica_admitted` and `replica_is_primary`. Default: none. */
  readonly onEvent?: EventListener;
  /** Timers and randomness, injectable for tests. */
  readonly scheduler?: Scheduler;
}

export interface ReplicaHealthChecker {
  /** Checks every replica once now, then keeps checking each on its own random interval. */
  start(): Promise<void>;
  /** Checks every replica once now (the background checks go on). */
  checkNow(): Promise<void>;
  /** Each replica's health as of its last check, in `replicaUrls` order. */
  replicas(): ReplicaSnapshot[];
  /** Stops the checks and closes every connection. */
  close(): Promise<void>;
}

/**
 * The router's health checker on its own: every replica checked as `createRwsplit` checks it, with the same events.
 * @example
 * const health = createHealthChecker({ primaryUrl, replicaUrls, onEvent: metrics.listener });
 * await health.start(); // first round done
 * health.replicas(); // [{ name: '10.0.0.2:5432', eligible: true, lagMs: 12, … }]
 */
export function createHealthChecker(options: HealthCheckerOptions): ReplicaHealthChecker {
  parsePostgresUrl(options.primaryUrl, 'createHealthChecker primaryUrl');
  options.replicaUrls.forEach((url, i) => parsePostgresUrl(url, `createHealthChecker replicaUrls[${i}]`));
  const {
    connectTimeoutMs,
    checkTimeoutMs,
    checkIntervalMs: interval,
    maxLagMs,
    maxLagBytes,
    onEvent,
    scheduler,
  } = resolveHealthCheckOptions(options);
  const limits = { maxLagMs, maxLagBytes };
  const hostOptions = {
    connectTimeoutMs,
    checkTimeoutMs,
    idleTimeoutMs: Math.max(DEFAULTS.idleTimeoutMs, 2 * interval[1]),
  };
  // A host's read pool is never used here (checks run on the host's own pool): one lazy pool that opens nothing.
  const hosts = new HostList(
    options.replicaUrls.map(
      (url) =>
        new ReplicaHost(
          nodeAddress(url).name,
          url,
          new NodeAdapter(createNodePool(url, { poolSize: 1 })),
          limits,
          hostOptions,
        ),
    ),
  );
  const position = new PrimaryPosition(
    new PrimaryTarget(nodeAddress(options.primaryUrl)),
    new WriteClock(),
    connectTimeoutMs,
    checkTimeoutMs,
  );
  const checker = new HealthChecker(hosts, position, interval, onEvent ?? silent, scheduler ?? realScheduler);
  return {
    start: () => checker.start(),
    checkNow: () => checker.checkAll(),
    replicas: () => hosts.hosts.map((h) => h.snapshot()),
    async close() {
      await checker.close();
      await position.close();
      await Promise.all(hosts.hosts.map((h) => h.close()));
    },
  };
}
