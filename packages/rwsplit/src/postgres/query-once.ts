// Work on a short-lived connection, every wait bounded: what failover discovery probes each node with, and what a
// tool uses for a one-off query or an admin session. The request path never uses this (it has pools); a probe must
// not hang on a node that accepts and never answers.
import pg from 'pg';
import { QueryTimeoutError } from '../errors';
import { isQueryReadTimeout } from './connection-errors';
import { describeTarget, type PgTarget } from './pg-target';

/**
 * Connects to `target`, runs `fn` with the client, and always closes the connection. Connecting is bounded by
 * `connectTimeoutMs` and each query by `queryTimeoutMs` (pg's `query_timeout`), unless the target's config sets
 * `connectionTimeoutMillis` / `query_timeout` itself (those win). A query with no answer in time rejects with
 * QueryTimeoutError (pg's error as cause); any other error passes through unchanged.
 */
export async function withConnection<T>(
  target: PgTarget,
  fn: (client: pg.Client) => Promise<T>,
  connectTimeoutMs: number,
  queryTimeoutMs: number,
): Promise<T> {
  const config: pg.ClientConfig = typeof target === 'string' ? { connectionString: target } : { ...target };
  config.connectionTimeoutMillis ??= connectTimeoutMs;
  config.query_timeout ??= queryTimeoutMs;
  const timeoutMs = config.query_timeout;
  const client = new pg.Client(config);
  // A connection dropped by the server emits 'error'; the pending (or next) query reports it.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await fn(client);
  } catch (err) {
    if (isQueryReadTimeout(err)) throw new QueryTimeoutError(describeTarget(target), timeoutMs, { cause: err });
    throw err;
  } finally {
    // With a query still outstanding (timed out), pg destroys the socket rather than waiting for the server.
    await client.end().catch(() => undefined);
  }
}

/**
 * Connects to `target`, runs `sql` with `params`, closes the connection and returns the rows; waits bounded as in
 * `withConnection`.
 * @example const [row] = await queryOnce<{ r: boolean }>(url, 'SELECT pg_is_in_recovery() AS r', [], 2000, 2000);
 */
export function queryOnce<R extends pg.QueryResultRow>(
  target: PgTarget,
  sql: string,
  params: readonly unknown[],
  connectTimeoutMs: number,
  queryTimeoutMs: number,
): Promise<R[]> {
  return withConnection(
    target,
    async (client) => (await client.query<R>(sql, params as unknown[])).rows,
    connectTimeoutMs,
    queryTimeoutMs,
  );
}
