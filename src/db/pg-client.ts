// Short-lived pg connections for admin work, health checks and snapshots (never the request path's pools).
import pg from 'pg';

/** A URL, or a pg client config (e.g. a Unix socket folder as `host`). */
export type PgTarget = string | pg.ClientConfig;

/** Default connect timeout for short-lived connections, in ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/** Opens a connection, runs `fn`, and always closes it. */
export async function withPg<T>(
  target: PgTarget,
  fn: (client: pg.Client) => Promise<T>,
  connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
): Promise<T> {
  const config: pg.ClientConfig = typeof target === 'string' ? { connectionString: target } : { ...target };
  config.connectionTimeoutMillis ??= connectTimeoutMs;
  const client = new pg.Client(config);
  // An idle connection dropped by the server (e.g. a standby stopped under us) emits 'error'; the next query
  // reports it, so the event itself only needs a listener to keep the process alive.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs one query on a short-lived connection and returns its rows. */
export async function queryOnce<R extends pg.QueryResultRow>(
  target: PgTarget,
  sql: string,
  params: readonly unknown[] = [],
  connectTimeoutMs?: number,
): Promise<R[]> {
  return withPg(target, async (c) => (await c.query<R>(sql, params as unknown[])).rows, connectTimeoutMs);
}
