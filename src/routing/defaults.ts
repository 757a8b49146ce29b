// The router's defaults, in one place: the programmatic options (routed-client.ts) and the environment
// (config.ts) both fall back to these.

export const ROUTING_DEFAULTS = Object.freeze({
  /** A replica is fresh enough when its replay lag is at most this many ms… */
  maxLagMs: 1000,
  /** …or at most this many bytes of WAL behind the primary (1 MiB). */
  maxLagBytes: 1024 * 1024,
  /** Health checks run per replica at a random interval in [min, max] ms. */
  checkIntervalMs: Object.freeze([1000, 2000]) as readonly [number, number],
  /** Reads go to the primary when no replica is eligible. */
  fallbackToPrimary: true,
  /** Consistency inside a session scope. */
  consistency: 'read-your-writes' as const,
  /** How long a read-your-writes read may wait for a replica to catch up, in ms. */
  readYourWritesWaitMs: 0,
  /** Pool size of each node's PrismaClient. */
  poolSize: 10,
  /** Connect timeout of every pool, in ms. */
  connectTimeoutMs: 3000,
});

/**
 * The timeout of each health-check, caught-up and primary-position query when `checkTimeoutMs` is not given: the
 * connect timeout, so a node that accepts connections but never answers is detected as fast as one that is down.
 */
export function defaultCheckTimeoutMs(connectTimeoutMs: number): number {
  return connectTimeoutMs;
}
