// Short-lived pg connections for admin work, health checks and snapshots (never the request path's pools).
// Every wait is bounded: connecting by `connectTimeoutMs`, and each query by `queryTimeoutMs`, so a server that
// accepts connections and then never answers gives a clear error instead of a hang.
import pg from 'pg';

/** A URL, or a pg client config (e.g. a Unix socket folder as `host`). */
export type PgTarget = string | pg.ClientConfig;

/** Default connect timeout for short-lived connections, in ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/**
 * Default time one query on a short-lived connection may take before the client gives up, in ms (pg's
 * `query_timeout`). Long enough for the heaviest admin statement (seeding a million rows, a whole-table checksum),
 * short enough that a stuck server fails a command within a minute. A target that sets `query_timeout` itself, or
 * a caller that passes `queryTimeoutMs`, overrides it.
 */
export const DEFAULT_QUERY_TIMEOUT_MS = 60_000;

/** A query that got no answer within its query_timeout: the server accepted the connection but is not answering. */
export class PgQueryTimeoutError extends Error {
  readonly server: string;
  readonly timeoutMs: number;

  constructor(server: string, timeoutMs: number, options: { cause: unknown }) {
    super(
      `No answer from the PostgreSQL server at ${server} within ${timeoutMs} ms (query_timeout). It accepted the ` +
        'connection but does not answer: check that it is not stuck or paused (its log, pg_stat_activity), ' +
        'restart it if it is, or pass a longer timeout for a statement that is legitimately slow.',
      options,
    );
    this.name = 'PgQueryTimeoutError';
    this.server = server;
    this.timeoutMs = timeoutMs;
  }
}

/** host:port (or socket folder:port) of a target, never its password. */
export function describeTarget(target: PgTarget): string {
  if (typeof target === 'string') {
    try {
      const url = new URL(target);
      return `${url.hostname}:${url.port || '5432'}`;
    } catch {
      return 'the configured server';
    }
  }
  return `${target.host ?? 'localhost'}:${target.port ?? 5432}`;
}

/** Opens a connection, runs `fn`, and always closes it. */
export async function withPg<T>(
  target: PgTarget,
  fn: (client: pg.Client) => Promise<T>,
  connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
  queryTimeoutMs = DEFAULT_QUERY_TIMEOUT_MS,
): Promise<T> {
  const config: pg.ClientConfig = typeof target === 'string' ? { connectionString: target } : { ...target };
  config.connectionTimeoutMillis ??= connectTimeoutMs;
  config.query_timeout ??= queryTimeoutMs;
  const timeoutMs = config.query_timeout;
  const client = new pg.Client(config);
  // An idle connection dropped by the server (e.g. a standby stopped under us) emits 'error'; the next query
  // reports it, so the event itself only needs a listener to keep the process alive.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } catch (err) {
    if (err instanceof Error && err.message === 'Query read timeout') {
      throw new PgQueryTimeoutError(describeTarget(target), timeoutMs, { cause: err });
    }
    throw err;
  } finally {
    // With a query still outstanding (timed out), pg destroys the socket rather than waiting for the server.
    await client.end().catch(() => undefined);
  }
}

/** Runs one query on a short-lived connection and returns its rows. */
export async function queryOnce<R extends pg.QueryResultRow>(
  target: PgTarget,
  sql: string,
  params: readonly unknown[] = [],
  connectTimeoutMs?: number,
  queryTimeoutMs?: number,
): Promise<R[]> {
  return withPg(
    target,
    async (c) => (await c.query<R>(sql, params as unknown[])).rows,
    connectTimeoutMs,
    queryTimeoutMs,
  );
}
