// The options' defaults, in a file that imports nothing, so that any part of the library can read them.

/** How fresh a read must be: any eligible replica, one that has replayed the scope's writes, or the primary. */
export type ConsistencyMode = 'eventual' | 'read-your-writes' | 'primary';

/** The defaults, in one place (an application mapping its own settings onto options can fall back to them). */
export const DEFAULTS = Object.freeze({
  /** A replica is fresh enough when its replay lag is at most this many ms… */
  maxLagMs: 1000,
  /** …or at most this many bytes of WAL behind the primary (1 MiB). */
  maxLagBytes: 1024 * 1024,
  /** Health checks run per replica at a random interval in [min, max] ms. */
  checkIntervalMs: Object.freeze([1000, 2000]) as readonly [number, number],
  /** Reads go to the primary when no replica is eligible. */
  fallbackToPrimary: true,
  /** Consistency inside a session scope. */
  consistency: 'read-your-writes' as ConsistencyMode,
  /** How long a read-your-writes read may wait for a replica to catch up, in ms. */
  readYourWritesWaitMs: 0,
  /** Pool size of each node's pg Pool. */
  poolSize: 10,
  /** Idle pooled connections close after this many ms (pg's default). */
  idleTimeoutMs: 10_000,
  /** Connect timeout of every pool, in ms. */
  connectTimeoutMs: 3000,
  /**
   * The deadline budget of one read across its replica attempts, in ms: past it the client stops waiting and sends
   * the replica a cancel request, so the server stops too. A replica that confirms the cancel is healthy and the
   * read fails with ReadTimeoutError (a statement that slow would be as slow elsewhere); one that does not answer
   * is ejected and the primary serves the read. Writes and transactions never have one.
   */
  replicaReadTimeoutMs: 10_000,
  /**
   * How long what needs the primary waits for one when it is gone (a failover in progress), asking every node again
   * every 100 ms: a write or transaction refused before it ran, a read whose primary went away, a read-your-writes
   * read that needs the primary's position.
   */
  failoverWaitMs: 10_000,
  /** How many writes may wait for a primary at once; past it a write fails at once with WriteQueueFullError. */
  maxHeldWrites: 1000,
  /** Raw queries run on the primary unless `$replica()` sends them elsewhere. */
  routeRawReads: false,
  /** Reads outside a session go to replicas. */
  defaultReads: 'replica' as 'replica' | 'primary',
  /** Spans for routed statements when @opentelemetry/api is installed. */
  tracing: true,
  /** A session's reads never go back in time. */
  monotonicReads: true,
});
