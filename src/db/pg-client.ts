// Short-lived pg connections for admin work, health checks and snapshots (never the request path's pools), over
// the library's `withConnection` / `queryOnce` with the application's default timeouts: connecting is bounded by
// `connectTimeoutMs` and each query by `queryTimeoutMs`, so a server that accepts connections and then never
// answers gives a clear error (the library's QueryTimeoutError) instead of a hang.
import type pg from 'pg';
import { queryOnce as queryOnceOn, withConnection } from 'rwsplit';

export { describeTarget, type PgTarget } from 'rwsplit';
import type { PgTarget } from 'rwsplit';

/** Default connect timeout for short-lived connections, in ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/**
 * Default time one query on a short-lived connection may take before the client gives up, in ms (pg's
 * `query_timeout`). Long enough for the heaviest admin statement (seeding a million rows, a whole-table checksum),
 * short enough that a stuck server fails a command within a minute. A target that sets `query_timeout` itself, or
 * a caller that passes `queryTimeoutMs`, overrides it.
 */
export const DEFAULT_QUERY_TIMEOUT_MS = 60_000;

/** Opens a connection, runs `fn`, and always closes it. */
export function withPg<T>(
  target: PgTarget,
  fn: (client: pg.Client) => Promise<T>,
  connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
  queryTimeoutMs = DEFAULT_QUERY_TIMEOUT_MS,
): Promise<T> {
  return withConnection(target, fn, connectTimeoutMs, queryTimeoutMs);
}

/** Runs one query on a short-lived connection and returns its rows. */
export function queryOnce<R extends pg.QueryResultRow>(
  target: PgTarget,
  sql: string,
  params: readonly unknown[] = [],
  connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
  queryTimeoutMs = DEFAULT_QUERY_TIMEOUT_MS,
): Promise<R[]> {
  return queryOnceOn<R>(target, sql, params, connectTimeoutMs, queryTimeoutMs);
}
