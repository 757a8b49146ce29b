// Cluster control for the library's tests that stop, crash, freeze or promote nodes, or run on Patroni. The library
// owns no PostgreSQL processes: whoever runs its tests provides this interface, in a module whose absolute path is
// in RWSPLIT_TEST_CLUSTER_KIT and which exports it as `clusterKit` (the repository's `npm test` sets it to the
// application's implementation). Nodes are numbered as created: 0 is the first primary, then the standbys.
import type { TestCluster } from './test-cluster';

/** A private cluster for one suite: a primary and streaming standbys on the given ports, nobody else's. */
export interface ThrowawayCluster extends TestCluster {
  /** Node i's port (0 is the node created as primary). */
  readonly ports: readonly number[];
  /** A clean shutdown of node i. */
  stop(node: number): Promise<void>;
  /** Node i crashes (immediate shutdown: no checkpoint, open connections cut). */
  kill(node: number): Promise<void>;
  /** Starts node i again, as whatever its data folder says it is (a stopped primary comes back as a primary). */
  start(node: number): Promise<void>;
  /**
   * SIGSTOP to node i's postmaster and the backends serving clients: it keeps its sockets and answers nothing.
   * Resolves to the pids stopped, so a test can tell that open connections were frozen too.
   */
  freeze(node: number): Promise<readonly number[]>;
  /** SIGCONT to what freeze(i) stopped. */
  thaw(node: number): Promise<void>;
  /** Promotes standby i where it stands (pg_promote); the other nodes are left as they are. */
  promote(node: number): Promise<void>;
  /**
   * A failover: the current primary crashes, standby i is promoted and every other live standby follows it. The old
   * primary stays down until start().
   */
  failover(node: number): Promise<void>;
  /** Waits until every live standby streams from the current primary. */
  waitForStreaming(): Promise<void>;
  /** Stops every node (thawing frozen ones first) and deletes the cluster's data. */
  destroy(): Promise<void>;
}

export interface ThrowawayOptions {
  /** One port per node, below 32768 (Linux lends 32768-60999 to outgoing connections). */
  readonly ports: readonly number[];
  /** How many standbys the primary names synchronous (ANY n), for remote_apply. Default 0. */
  readonly syncStandbys?: number;
}

/** A member as Patroni's GET /cluster lists it. */
export interface HaMember {
  readonly name: string;
  /** `leader`, `replica`, `sync_standby` (synchronous mode), … */
  readonly role: string;
  /** `running`, `streaming`, `stopped`, … */
  readonly state: string;
  readonly host: string;
  readonly port: number;
}

/** A leader change: Patroni member names. */
export interface HaLeaderChange {
  readonly from: string;
  readonly to: string;
}

export interface HaLeaderChangeOptions {
  /** Also wait until the old leader streams from the new one again. Default true. */
  readonly rejoin?: boolean;
}

/**
 * Patroni's synchronous replication: `off` (asynchronous), `on` (`synchronous_mode`: the leader names one replica
 * its sync standby, a commit returns once that one flushed it, and only that one may be promoted) or `strict`
 * (also `synchronous_mode_strict`: with no replica able to be the sync standby, writes wait instead of going
 * asynchronous).
 */
export type HaSynchronousMode = 'off' | 'on' | 'strict';

/** The Patroni HA cluster (etcd and three members), started for a suite or reused when it runs already. */
export interface HaCluster {
  /** Every started member's REST base URL. */
  readonly restUrls: readonly string[];
  /** The application user's URL on the leader at start (credentials and database; hosts come from Patroni). */
  readonly databaseUrl: string;
  /** The application user's URL on a member. */
  memberUrl(member: Pick<HaMember, 'host' | 'port'>): string;
  /** The members as GET /cluster lists them now. */
  members(): Promise<readonly HaMember[]>;
  /** The cluster now as the library's integration tests take one: leader first, superuser URLs for DDL. */
  nodes(): Promise<TestCluster>;
  /**
   * A REST switchover to any healthy replica (in synchronous mode, to the sync standby: Patroni accepts no other);
   * resolves once the new leader accepts writes.
   */
  switchover(options?: HaLeaderChangeOptions): Promise<HaLeaderChange>;
  /** SIGKILL to the leader's PostgreSQL (Patroni fails over); resolves once the new leader accepts writes. */
  killLeader(options?: HaLeaderChangeOptions): Promise<HaLeaderChange>;
  /** Waits until one leader runs and every other member streams from it. */
  waitHealthy(): Promise<void>;
  /** Starts a spare member (a fresh clone) while the cluster runs; resolves once it streams. */
  addMember(): Promise<{ readonly name: string; readonly port: number }>;
  /** Stops one member (a stopped leader hands over through the DCS). */
  stopMember(name: string): Promise<void>;
  /**
   * Sets Patroni's synchronous mode on the running cluster (its dynamic configuration, no restart). Resolves once
   * the leader applies it: for `on` and `strict`, a member listed as `sync_standby` and in sync on the leader; for
   * `off`, none.
   */
  synchronous(mode: HaSynchronousMode): Promise<void>;
  /** The cluster's synchronous mode now (to put it back as it was). */
  synchronousMode(): Promise<HaSynchronousMode>;
  /**
   * Lets the cluster go: stops it if this handle started it (a kit may leave it for the run's next suite and stop it
   * at the run's end); one that was running before stays up.
   */
  release(): Promise<void>;
}

/** The nodes to put PgBouncers in front of: any cluster's URLs (testCluster(), a ThrowawayCluster…). */
export interface PgBouncerNodes {
  readonly primaryUrl: string;
  readonly replicaUrls: readonly string[];
}

export interface PgBouncerOptions {
  /** One port per node, below 32768: the primary's PgBouncer first, then one per replica in replicaUrls' order. */
  readonly ports: readonly number[];
  /** `default_pool_size`: server connections each PgBouncer opens to its node at most. Default 20. */
  readonly poolSize?: number;
  /**
   * Other `[pgbouncer]` settings, replacing the kit's (e.g. `{ query_wait_timeout: 5 }`). The kit sets
   * `pool_mode = transaction`, `auth_type = scram-sha-256`, `server_login_retry = 1` and leaves
   * `ignore_startup_parameters` at its default (a startup parameter PgBouncer does not track is refused).
   */
  readonly settings?: Readonly<Record<string, string | number>>;
}

/** A row of a PgBouncer admin console SHOW command; every value arrives as text. */
export type PgBouncerShowRow = Readonly<Record<string, string | null>>;

/**
 * One PgBouncer per node (transaction pooling, SCRAM to the client and to the server), on loopback. Node i is the
 * primary for 0, then replica i - 1, as given: a standby promoted later keeps its PgBouncer and its index.
 */
export interface PgBouncerFront {
  /** The primary through its PgBouncer: the same user, password, database and parameters as the primary's URL. */
  readonly primaryUrl: string;
  /** Each replica through its PgBouncer, in replicaUrls' order. */
  readonly replicaUrls: readonly string[];
  /** Node i's PgBouncer port. */
  readonly ports: readonly number[];
  /** PAUSE on node i's PgBouncer: waits for the queries in flight, then new queries wait (up to query_wait_timeout). */
  pause(node: number): Promise<void>;
  /** RESUME on node i's PgBouncer after pause(i). */
  resume(node: number): Promise<void>;
  /** `SHOW <what>` (POOLS, CLIENTS, SERVERS, STATS, CONFIG…) on node i's PgBouncer admin console. */
  show(node: number, what: string): Promise<readonly PgBouncerShowRow[]>;
  /** Stops every PgBouncer (their clients are cut) and deletes their files. */
  stop(): Promise<void>;
}

export interface ClusterKit {
  /** Creates (afresh) and starts a private cluster in a folder of its own called `name`. */
  throwaway(name: string, options: ThrowawayOptions): Promise<ThrowawayCluster>;
  /** Starts the Patroni cluster, or reuses it when it runs. */
  ha(options?: { readonly log?: (line: string) => void }): Promise<HaCluster>;
  /** Starts one PgBouncer per node of `nodes`; resolves once each accepts connections. */
  pgbouncer(nodes: PgBouncerNodes, options: PgBouncerOptions): Promise<PgBouncerFront>;
}

const VARIABLE = 'RWSPLIT_TEST_CLUSTER_KIT';

/** The kit named by RWSPLIT_TEST_CLUSTER_KIT, or a clear error saying what to set. */
export function clusterKit(): ClusterKit {
  const file = process.env[VARIABLE];
  if (!file) {
    throw new Error(
      `${VARIABLE} is not set. The library's tests that stop, freeze or promote nodes, or run on Patroni, need ` +
        'cluster control from outside the library: run them from the repository root with `npm test` (which sets ' +
        `it), or set ${VARIABLE} to the absolute path of a module exporting \`clusterKit\` (see ` +
        'packages/rwsplit/test/helpers/cluster-kit.ts).',
    );
  }
  // Dependency injection by path: the implementation lives outside the library, so no static import can name it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(file) as { clusterKit?: Partial<ClusterKit> };
  const kit = loaded.clusterKit;
  if (typeof kit?.throwaway !== 'function' || typeof kit.ha !== 'function') {
    throw new Error(`${VARIABLE} names ${file}, which exports no \`clusterKit\` with throwaway() and ha().`);
  }
  return kit as ClusterKit;
}
