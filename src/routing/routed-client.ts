// The public factory: a Prisma client that routes reads to healthy, fresh-enough replicas, keeps
// read-your-writes inside a session scope, falls back to the primary, and follows a promoted primary.
import { readReplicas } from '@prisma/extension-read-replicas';
import { z } from 'zod';
import { type Config, ConfigError, type ConsistencyMode, maskUrl, parsePostgresUrl } from '../config';
import { createNodeClient, type PrismaClient } from '../db/node-client';
import { defaultCheckTimeoutMs, ROUTING_DEFAULTS as D } from './defaults';
import { type EventListener, fanOut, silent } from './events';
import { HealthChecker, type Scheduler } from './health-checker';
import { HostList, roundRobin, type SelectionStrategy } from './host-list';
import { followTransactions, routingReplica } from './prisma-adapter';
import { PrimaryDiscovery } from './primary-discovery';
import { PrimaryPosition } from './primary-position';
import { nodeAddress, PrimaryTarget } from './primary-target';
import { ReplicaHost } from './replica-host';
import { Router } from './router';
import { currentSession, runInSession, Session, type SessionOptions, sessionToken } from './session';
import { transactionFailover, writeTracking } from './write-tracking';

export interface RwsplitOptions {
  /** The primary's URL. Required. @example 'postgresql://app:pw@db-primary:5432/app' */
  readonly primaryUrl: string;
  /** The replicas' URLs. Default none (every read goes to the primary). */
  readonly replicaUrls?: readonly string[];
  /** A replica is fresh enough when its replay lag is at most this many ms… Default 1000. */
  readonly maxLagMs?: number;
  /** …or at most this many bytes of WAL behind (covers an idle primary). Default 1 MiB. */
  readonly maxLagBytes?: number;
  /** Health checks run per replica at a random interval in [min, max] ms. Default [1000, 2000]. */
  readonly checkIntervalMs?: readonly [number, number];
  /** Reads go to the primary when no replica is eligible; off → they fail with NoReplicaAvailableError. Default true. */
  readonly fallbackToPrimary?: boolean;
  /** Consistency of reads inside `session()` when it names none. Default `read-your-writes`. */
  readonly consistency?: ConsistencyMode;
  /** How long a read-your-writes read may wait for a replica to catch up, in ms. Default 0 (go to the primary). */
  readonly readYourWritesWaitMs?: number;
  /** How to choose among eligible replicas. Default round-robin. */
  readonly strategy?: SelectionStrategy;
  /** Receives structured events (queries, ejections, fallbacks, failover). Default: silence. */
  readonly onEvent?: EventListener;
  /** Pool size of each node's PrismaClient. Default 10. */
  readonly poolSize?: number;
  /** Connect timeout for every pool, in ms. Default 3000. */
  readonly connectTimeoutMs?: number;
  /**
   * How long a health-check, caught-up or primary-position query may go unanswered, in ms; a replica whose check
   * times out (e.g. a hung server that still accepts connections) counts as unreachable. Default: `connectTimeoutMs`.
   */
  readonly checkTimeoutMs?: number;
  /** Timers and randomness for health checks (tests inject their own). Default: real timers. */
  readonly scheduler?: Scheduler;
}

/** The consistency modes, for the `consistency` option and `session({ mode })` alike. */
export const consistencySchema = z.enum(['eventual', 'read-your-writes', 'primary'], {
  error: 'consistency must be one of eventual, read-your-writes, primary',
});

const optionsSchema = z.object({
  maxLagMs: z.number().int().min(0, 'maxLagMs must be ≥ 0').default(D.maxLagMs),
  maxLagBytes: z.number().int().min(0, 'maxLagBytes must be ≥ 0').default(D.maxLagBytes),
  checkIntervalMs: z
    .tuple([z.number().int().min(10), z.number().int().min(10)])
    .refine(([min, max]) => max >= min, 'checkIntervalMs must be [min, max] with min ≤ max')
    .default([...D.checkIntervalMs]),
  fallbackToPrimary: z.boolean().default(D.fallbackToPrimary),
  consistency: consistencySchema.default(D.consistency),
  readYourWritesWaitMs: z.number().int().min(0, 'readYourWritesWaitMs must be ≥ 0').default(D.readYourWritesWaitMs),
  poolSize: z.number().int().min(1).default(D.poolSize),
  connectTimeoutMs: z.number().int().min(1).default(D.connectTimeoutMs),
  checkTimeoutMs: z.number().int().min(1, 'checkTimeoutMs must be ≥ 1').optional(),
});

/** A session's mode, validated like the `consistency` option (an unknown mode is refused, never ignored). */
function sessionMode(mode: unknown, fallback: ConsistencyMode): ConsistencyMode {
  if (mode === undefined) return fallback;
  const parsed = consistencySchema.safeParse(mode);
  if (!parsed.success) {
    throw new ConfigError(
      `session option mode: ${parsed.error.issues[0]?.message ?? 'invalid'} (got ${JSON.stringify(mode)}).`,
    );
  }
  return parsed.data;
}

function validate(options: RwsplitOptions) {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`rwsplit option ${String(issue?.path[0] ?? '')}: ${issue?.message ?? 'invalid'}`);
  }
  const primary = parsePostgresUrl(options.primaryUrl, 'primaryUrl');
  const primaryKey = `${primary.hostname}:${primary.port || 5432}${primary.pathname}`;
  (options.replicaUrls ?? []).forEach((url, i) => {
    const u = parsePostgresUrl(url, `replicaUrls[${i}]`);
    if (`${u.hostname}:${u.port || 5432}${u.pathname}` === primaryKey) {
      throw new ConfigError(
        `replicaUrls[${i}] (${maskUrl(url)}) is the primary itself. Remove it: reads would not be offloaded, ` +
          'and read-your-writes would be meaningless.',
      );
    }
  });
  return parsed.data;
}

function build(options: RwsplitOptions) {
  const opts = validate(options);
  const onEvent = fanOut(options.onEvent ?? silent);
  const replicaUrls = [...(options.replicaUrls ?? [])];
  const target = new PrimaryTarget(nodeAddress(options.primaryUrl));
  const nodeOptions = { poolSize: opts.poolSize, connectTimeoutMs: opts.connectTimeoutMs };
  const checkTimeoutMs = opts.checkTimeoutMs ?? defaultCheckTimeoutMs(opts.connectTimeoutMs);
  const primary = createNodeClient(options.primaryUrl, { ...nodeOptions, clientClass: target.clientClass() });
  const hostOptions = { connectTimeoutMs: opts.connectTimeoutMs, checkTimeoutMs };
  const hosts = new HostList(
    replicaUrls.map(
      (url) => new ReplicaHost(nodeAddress(url).name, url, createNodeClient(url, nodeOptions), hostOptions),
    ),
    { maxLagMs: opts.maxLagMs, maxLagBytes: opts.maxLagBytes },
    options.strategy ?? roundRobin(),
  );
  const discovery = new PrimaryDiscovery([target.current, ...replicaUrls.map(nodeAddress)], target, onEvent);
  const position = new PrimaryPosition(target, opts.connectTimeoutMs, checkTimeoutMs);
  // A replica found answering as a primary, other than the one writes go to, is a promotion (writes follow it
  // without waiting for a write to fail) or a split brain (writes are refused until only one primary is left):
  // discovery decides, off the request path.
  const onHealthEvent: EventListener = (e) => {
    onEvent(e);
    if (e.event === 'replica_is_primary' && e.node !== target.current.name) {
      void discovery.discover().catch(() => undefined);
    }
  };
  const health = new HealthChecker(hosts, position, opts.checkIntervalMs, onHealthEvent, options.scheduler);
  const router = new Router(
    hosts,
    { client: primary, name: () => target.current.name, walInsertLsn: () => position.lsn() },
    opts,
    onEvent,
  );
  const client = followTransactions(
    primary
      .$extends(writeTracking(target, discovery, onEvent))
      .$extends(readReplicas({ replicas: [routingReplica(router)] })),
    transactionFailover(target, discovery),
  );
  return { client, primary, hosts, health, position, discovery, target, opts };
}

/** The routed Prisma client: a PrismaClient with `$primary()` and `$replica()`. */
export type RoutedClient = ReturnType<typeof build>['client'];

/** Health of one replica, as the router sees it now. */
export interface ReplicaSnapshot {
  readonly name: string;
  readonly eligible: boolean;
  readonly reason: string | null;
  readonly reachable: boolean;
  readonly inRecovery: boolean;
  readonly lagMs: number | null;
  readonly lagBytes: number | null;
  readonly replayLsn: string | null;
}

export interface Rwsplit {
  /** Use it like a PrismaClient. Reads are routed; writes, transactions and raw SQL go to the primary. */
  readonly client: RoutedClient;
  /**
   * Runs `fn` in a consistency scope (AsyncLocalStorage): reads after a write in the scope see that write.
   * @example await rw.session(async () => { await rw.client.post.create(...); return rw.client.post.findMany(); });
   */
  session<T>(fn: () => Promise<T>, options?: SessionOptions): Promise<T>;
  /** The current scope's causal token (to hand to the next request), or null outside a scope / before any write. */
  token(): Promise<string | null>;
  /** Each replica's health as of its last check. */
  replicas(): ReplicaSnapshot[];
  /** The node writes go to now (`host:port`). */
  primaryName(): string;
  /** Checks every replica now (otherwise they are checked in the background). */
  checkNow(): Promise<void>;
  /** Probes every node for the primary now. */
  discoverPrimary(): Promise<string>;
  /** Stops health checks and closes every pool. */
  close(): Promise<void>;
}

/**
 * Creates the routed client and starts health checks (the first check completes before it resolves).
 * @example const rw = await createRwsplit({ primaryUrl, replicaUrls, maxLagMs: 500 });
 */
export async function createRwsplit(options: RwsplitOptions): Promise<Rwsplit> {
  const parts = build(options);
  const { client, primary, hosts, health, position, discovery, target, opts } = parts;
  await health.start();
  return {
    client,
    session: async (fn, sessionOptions = {}) =>
      runInSession(new Session(sessionMode(sessionOptions.mode, opts.consistency), sessionOptions.token), fn),
    token: async () => {
      const session = currentSession();
      if (!session) return null;
      if (session.hasPendingWrite) session.recordLsn(await position.lsn());
      return sessionToken(session);
    },
    replicas: () =>
      hosts.hosts.map((h) => {
        const reason = h.reason(hosts.limits);
        const { reachable, inRecovery, lagMs, lagBytes, replayLsn } = h.health;
        return { name: h.name, eligible: reason === null, reason, reachable, inRecovery, lagMs, lagBytes, replayLsn };
      }),
    primaryName: () => target.current.name,
    checkNow: () => health.checkAll(),
    discoverPrimary: async () => (await discovery.discover()).name,
    close: async () => {
      await health.close();
      await position.close();
      await Promise.all([
        primary.$disconnect(),
        ...hosts.hosts.map((h) => h.client.$disconnect().then(() => h.close())),
      ]);
    },
  };
}

/** `createRwsplit` with the options from the environment (see src/config.ts). */
export function createRwsplitFromConfig(config: Config, extra: Partial<RwsplitOptions> = {}): Promise<Rwsplit> {
  const r = config.routing;
  return createRwsplit({
    primaryUrl: config.primaryUrl,
    replicaUrls: config.replicaUrls,
    maxLagMs: r.maxLagMs,
    maxLagBytes: r.maxLagBytes,
    checkIntervalMs: r.checkIntervalMs,
    fallbackToPrimary: r.fallbackToPrimary,
    consistency: r.consistency,
    readYourWritesWaitMs: r.readYourWritesWaitMs,
    connectTimeoutMs: config.writer.connectTimeoutMs,
    checkTimeoutMs: r.checkTimeoutMs,
    ...extra,
  });
}

export type { PrismaClient };
