// The public factory: the application's own Prisma client, routed: reads to healthy, fresh-enough replicas,
// read-your-writes inside a session scope, primary fallback, and writes that follow a promoted primary.
import { currentSession, runInSession, Session, type SessionOptions, sessionToken } from './consistency/session';
import { type EventListener, fanOut, silent } from './events';
import { HealthChecker, realScheduler } from './load-balancing/health-checker';
import { HostList, leastOutstanding } from './load-balancing/host-list';
import { ReplicaHost, type ReplicaSnapshot } from './load-balancing/replica-host';
import { Router } from './load-balancing/router';
import { type RwsplitOptions, resolveOptions, sessionMode } from './options';
import { nodeAddress } from './postgres/node-address';
import { PrimaryDiscovery } from './primary/primary-discovery';
import { PrimaryPosition } from './primary/primary-position';
import { PrimaryTarget } from './primary/primary-target';
import { WriteClock } from './primary/write-clock';
import { createNodePool, dropIdleConnections, type PrismaClientClass } from './prisma/node-client';
import { NodeAdapter } from './prisma/node-adapter';
import { CompactionGroups, compactionCommenter } from './prisma/operation-context';
import { RoutingAdapterFactory } from './prisma/routing-adapter';
import { ReadOnlySql } from './sql/read-only-sql';
import { StatementTracer } from './tracing/statement-tracer';
import { CausalTokens } from './consistency/causal-token';
import { TokenBound } from './consistency/token-bound';
import { type RoutedClient, rwsplitExtension, type RwsplitExtension } from './prisma/rwsplit-extension';
import { WriteTracker } from './prisma/write-tracking';
import { TopologyManager } from './topology/topology-manager';
import { ConfigError } from './errors';

/** What read-your-writes has cost so far, for benchmarks and dashboards. */
export interface RoutingStats {
  /** Reads that needed the primary's position (a write was pending in their session). */
  readonly positionRequests: number;
  /** Queries the primary answered for them and for health checks: at most one in flight, shared by all. */
  readonly positionQueries: number;
  /** Replay-position queries the replicas answered (shared per replica; health checks not included). */
  readonly replayQueries: number;
}

/** One statement in Prisma's query log (Prisma's `QueryEvent`). */
export interface QueryLogEvent {
  readonly timestamp: Date;
  readonly query: string;
  readonly params: string;
  readonly duration: number;
  readonly target: string;
}

/** A message in Prisma's log (Prisma's `LogEvent`). */
export interface LogMessageEvent {
  readonly timestamp: Date;
  readonly message: string;
  readonly target: string;
}

/** `$on` of the client behind `rw.client`: Prisma's log events, for the levels `clientOptions.log` emits as events. */
export interface OnLog {
  (event: 'query', listener: (e: QueryLogEvent) => void): void;
  (event: 'info' | 'warn' | 'error', listener: (e: LogMessageEvent) => void): void;
}

/** How long a replica has to confirm a cancel request before it counts as hung, in ms. */
const CANCEL_GRACE_MS = 250;

export interface Rwsplit<C> {
  /**
   * Use it like your PrismaClient: one PrismaClient of your class over `adapter`, extended by `extension`. Reads
   * are routed; writes, transactions and raw SQL go to the primary.
   */
  readonly client: RoutedClient<C>;
  /**
   * The routing driver adapter, for a client you build yourself:
   * `new PrismaClient({ adapter: rw.adapter, log }).$extends(rw.extension)`, your own extensions in any order.
   */
  readonly adapter: RoutingAdapterFactory;
  /** The thin extension that marks each operation for `adapter` and adds `$primary()` / `$replica()`. */
  readonly extension: RwsplitExtension;
  /**
   * A SqlCommenter plugin that adds no comment; give it to a client you build with `adapter`
   * (`comments: [rw.commenter]`). It tells the adapter which statements Prisma compacted from several `findUnique`
   * calls. Without it every `findUnique` is routed as if it might have been compacted: for the strictest session
   * with a call in flight.
   */
  readonly commenter: typeof compactionCommenter;
  /**
   * `$on` of the client behind `rw.client` (an extended client has none): Prisma's query log covers every node.
   * Needs `clientOptions: { log: [{ emit: 'event', level: 'query' }] }`.
   * @example rw.$on('query', (e) => console.log(e.query, e.duration));
   */
  readonly $on: OnLog;
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
  /** Probes every node for the primary now; resolves to its `host:port`. */
  discoverPrimary(): Promise<string>;
  /** Counts of the queries read-your-writes made (a cheap snapshot). */
  stats(): RoutingStats;
  /** Stops health checks and closes every pool. */
  close(): Promise<void>;
}

/**
 * Creates the routed client and starts health checks (the first check completes before it resolves).
 * @example
 * // PrismaClient: the class your `prisma generate` made.
 * const rw = await createRwsplit({ PrismaClient, primaryUrl, replicaUrls, maxLagMs: 500 });
 * await rw.client.user.findMany(); // a healthy, fresh-enough replica
 */
export async function createRwsplit<P extends PrismaClientClass>(
  options: RwsplitOptions<P>,
): Promise<Rwsplit<InstanceType<P>>> {
  type C = InstanceType<P>;
  const opts = resolveOptions(options);
  // Spans only when the application installed @opentelemetry/api (and did not turn tracing off).
  const tracer = opts.tracing ? StatementTracer.load() : null;
  const listeners = [opts.onEvent, tracer?.listener].filter((l): l is EventListener => l !== undefined);
  const onEvent: EventListener = listeners.length > 0 ? fanOut(...listeners) : silent;
  const scheduler = opts.scheduler ?? realScheduler;
  // The first read of the topology must succeed (there is nothing to fall back on yet); later ones may fail.
  const first = await opts.topology.read();
  const firstLeader = first.leaderUrl ?? first.members[0]?.url;
  if (!firstLeader) {
    throw new ConfigError(`The topology source (${opts.topology.description}) names no node at all.`);
  }
  const target = new PrimaryTarget(nodeAddress(firstLeader));
  const nodeOptions = { connectTimeoutMs: opts.connectTimeoutMs, idleTimeoutMs: opts.idleTimeoutMs, pool: opts.pool };
  const primary = new NodeAdapter(
    createNodePool(firstLeader, {
      ...nodeOptions,
      poolSize: opts.primaryPoolSize ?? opts.poolSize,
      clientClass: target.clientClass(),
    }),
  );
  // Idle connections to the old primary would take the next writes there: drop them when the target moves.
  target.onMove(() => void dropIdleConnections(primary.pool).catch(() => undefined));
  const hostOptions = {
    connectTimeoutMs: opts.connectTimeoutMs,
    checkTimeoutMs: opts.checkTimeoutMs,
    idleTimeoutMs: opts.idleTimeoutMs,
  };
  const limits = { maxLagMs: opts.maxLagMs, maxLagBytes: opts.maxLagBytes };
  // Opening a connection counts against the read's deadline too (see statement-deadline.ts); the pool's own
  // connect timeout only bounds connections opened for no read.
  const replicaOptions = {
    ...nodeOptions,
    poolSize: opts.replicaPoolSize ?? opts.poolSize,
    connectTimeoutMs: Math.min(opts.connectTimeoutMs, opts.replicaReadTimeoutMs),
  };
  const makeHost = (url: string) => {
    const node = new NodeAdapter(
      createNodePool(url, replicaOptions),
      Math.min(CANCEL_GRACE_MS, opts.replicaReadTimeoutMs),
    );
    return new ReplicaHost(nodeAddress(url).name, url, node, limits, hostOptions);
  };
  const hosts = new HostList([], opts.strategy ?? leastOutstanding());
  const clock = new WriteClock();
  const position = new PrimaryPosition(target, clock, opts.connectTimeoutMs, opts.checkTimeoutMs);
  // Discovery and the topology manager need each other: discovery asks the manager for the nodes.
  const late: { topology?: TopologyManager } = {};
  const discovery = new PrimaryDiscovery(
    () => late.topology?.nodes() ?? [target.current],
    target,
    onEvent,
    opts.checkTimeoutMs,
    // Failover discovery reads the topology source first, so a new leader or member is asked too.
    () => late.topology?.sync() ?? Promise.resolve(),
  );
  // A replica found answering as a primary, other than the one writes go to, is a promotion (writes follow it
  // without waiting for a write to fail) or a split brain (writes are refused until only one primary is left):
  // discovery decides, off the request path.
  const onHealthEvent: EventListener = (e) => {
    onEvent(e);
    if (e.event === 'replica_is_primary' && e.node !== target.current.name) {
      void discovery.discover().catch(() => undefined);
    }
  };
  const health = new HealthChecker(hosts, position, opts.checkIntervalMs, onHealthEvent, scheduler);
  const topology = new TopologyManager(
    {
      source: opts.topology,
      target,
      hosts,
      health,
      makeHost,
      discover: () => discovery.discover(),
      scheduler,
      onEvent,
    },
    first,
  );
  late.topology = topology;
  for (const url of topology.replicaUrls()) hosts.add(makeHost(url));
  const router = new Router(
    hosts,
    {
      node: primary,
      name: () => target.current.name,
      positionAfter: (covers) => position.after(covers),
      discover: () => discovery.discover(),
      tick: () => clock.tick(),
    },
    opts,
    onEvent,
  );
  const tokens = new CausalTokens(opts.tokenSecrets);
  const tokenBound = new TokenBound(tokens, position, onEvent);
  const compaction = new CompactionGroups();
  const writes = new WriteTracker(target, discovery, clock, {
    failoverWaitMs: opts.failoverWaitMs,
    maxHeldWrites: opts.maxHeldWrites,
    onEvent,
  });
  const adapter = new RoutingAdapterFactory({
    router,
    writes,
    primary,
    compaction,
    readOnlySql: new ReadOnlySql(),
    routeRawReads: opts.routeRawReads,
    tracer,
  });
  const extension = rwsplitExtension(router, compaction, onEvent);
  const PrismaClient = opts.PrismaClient as unknown as new (options: object) => C & { $disconnect(): Promise<void> };
  const comments = (opts.clientOptions as { comments?: unknown[] }).comments ?? [];
  const base = new PrismaClient({ ...opts.clientOptions, adapter, comments: [...comments, compactionCommenter] });
  const client = (base as unknown as { $extends: RwsplitExtension }).$extends(extension) as RoutedClient<C>;
  await health.start();
  topology.start();
  return {
    client,
    adapter,
    extension,
    commenter: compactionCommenter,
    $on: (event: string, listener: (e: never) => void) =>
      (base as unknown as { $on: (event: string, listener: (e: never) => void) => void }).$on(event, listener),
    session: async (fn, sessionOptions = {}) => {
      const mode = sessionMode(sessionOptions.mode, opts.consistency);
      const { token } = sessionOptions;
      return runInSession(new Session(mode, token === undefined ? undefined : await tokenBound.admit(token)), fn);
    },
    token: async () => {
      const session = currentSession();
      if (!session) return null;
      // Monotonic reads: the token carries what the session saw too. Its replica's state is at most the primary's
      // position now, so the next request continues from there.
      if (opts.monotonicReads && session.pinned) {
        session.pinned = null;
        session.markSeen(clock.tick());
      }
      const covers = Math.max(session.pendingTick, opts.monotonicReads ? session.seenTick : 0);
      if (covers > 0) {
        const p = await position.after(covers);
        session.recordLsn(p.lsn, p.covers, p.timeline);
      }
      return sessionToken(session, tokens);
    },
    replicas: () => hosts.hosts.map((h) => h.snapshot()),
    primaryName: () => target.current.name,
    checkNow: () => health.checkAll(),
    stats: () => ({
      positionRequests: position.stats.requests,
      positionQueries: position.stats.queries,
      replayQueries: hosts.hosts.reduce((n, h) => n + h.replayQueries, 0),
    }),
    discoverPrimary: async () => (await discovery.discover()).name,
    close: async () => {
      topology.close();
      await health.close();
      await position.close();
      await base.$disconnect();
      await Promise.all([primary.close(), ...hosts.hosts.map((h) => h.close())]);
    },
  };
}
