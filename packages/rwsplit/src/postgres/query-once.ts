// One query on a short-lived connection, every wait bounded: what failover discovery probes each node with. The
// request path never uses this (it has pools); a probe must not hang on a node that accepts and never answers.
import pg from 'pg';

/**
 * Connects to `url`, runs `sql` with `params`, closes the connection and returns the rows. Connecting is bounded
 * by `connectTimeoutMs` and the query by `queryTimeoutMs` (pg's `query_timeout`).
 */
export async function queryOnce<R extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: readonly unknown[],
  connectTimeoutMs: number,
  queryTimeoutMs: number,
): Promise<R[]> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: connectTimeoutMs,
    query_timeout: queryTimeoutMs,
  });
  // A connection dropped by the server emits 'error'; the pending query reports it.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.query<R>(sql, params as unknown[])).rows;
  } finally {
    // With a query still outstanding (timed out), pg destroys the socket rather than waiting for the server.
    await client.end().catch(() => undefined);
  }
}
