// One PrismaClient per node, made from the application's own generated class, each over its own pg Pool through
// @prisma/adapter-pg. rwsplit never imports a generated client: the application hands its class in.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

/** What rwsplit itself calls on a node's client; everything else is the application's own API. */
export interface NodeClient {
  $connect(): Promise<void>;
  $disconnect(): Promise<void>;
}

/**
 * The application's generated `PrismaClient` class (from `prisma-client` or `prisma-client-js`). rwsplit makes one
 * instance per node, passing `{ adapter, ...clientOptions }`.
 */
export type PrismaClientClass<C extends NodeClient = NodeClient> = new (...args: never[]) => C;

/**
 * The constructor options of the application's client class, less the adapter (rwsplit makes one per node):
 * `log`, `errorFormat`, `transactionOptions`, `omit`, `comments` …
 */
export type ClientOptionsOf<P> = P extends new (options: infer O, ...rest: never[]) => unknown
  ? Omit<NonNullable<O>, 'adapter' | 'accelerateUrl'>
  : never;

/** pg Pool settings for every node's pool (ssl, idleTimeoutMillis, statement_timeout …). */
export type PoolOptions = Omit<pg.PoolConfig, 'connectionString' | 'Client'>;

export interface NodeClientOptions {
  /** Pool size of this node's client. Default 10 (pg's default). */
  readonly poolSize?: number;
  /** How long a pooled connection may stay idle before it is closed, in ms. Default 10000. */
  readonly idleTimeoutMs?: number;
  /** How long to wait for a new connection, in ms. Default 3000, so a dead node fails fast instead of hanging. */
  readonly connectTimeoutMs?: number;
  /** Further pg Pool settings; they win over `poolSize` and `connectTimeoutMs`. Default none. */
  readonly pool?: PoolOptions;
  /** Options for the client's constructor (the adapter is rwsplit's). Default none. */
  readonly clientOptions?: object;
  /** The pg Client class the pool makes connections with (the router's primary uses one that follows failover). */
  readonly clientClass?: typeof pg.Client;
}

/** A pg Pool for one node, with rwsplit's defaults under the caller's settings. */
export function createNodePool(url: string, options: NodeClientOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
    idleTimeoutMillis: options.idleTimeoutMs ?? 10_000,
    ...options.pool,
    ...(options.clientClass ? { Client: options.clientClass } : {}),
  });
  // An idle pooled connection killed by the server (standby stopped, pg_terminate_backend) emits 'error' on
  // the pool; the next query on that node reports the failure, so the event needs only a listener here.
  pool.on('error', () => undefined);
  return pool;
}

/** A client of the application's class over `pool` (kept by the caller, to drain it); `$disconnect()` ends it. */
export function clientOverPool<C extends NodeClient>(
  PrismaClient: PrismaClientClass<C>,
  pool: pg.Pool,
  clientOptions: object = {},
): C {
  const adapter = new PrismaPg(pool, {
    disposeExternalPool: true,
    onPoolError: () => undefined,
    onConnectionError: () => undefined,
  });
  const Client = PrismaClient as unknown as new (options: object) => C;
  return new Client({ ...clientOptions, adapter });
}

/**
 * Drops the idle connections of `pool` (after the node it reaches has changed, e.g. a new primary): they would
 * answer for the old one. Connections in use finish their work and are dropped when they fail.
 */
export async function dropIdleConnections(pool: pg.Pool): Promise<void> {
  const idle = pool.idleCount;
  const clients = await Promise.all(Array.from({ length: idle }, () => pool.connect().catch(() => null)));
  for (const c of clients) c?.release(true);
}

/**
 * A PrismaClient of the application's class bound to one node, over its own pg Pool (closed by `$disconnect()`).
 * Use `createRwsplit` for routing. The pool's own connection errors are surfaced through queries.
 * @example const replica = createNodeClient(PrismaClient, 'postgresql://app:pw@replica1:5432/app');
 */
export function createNodeClient<C extends NodeClient>(
  PrismaClient: PrismaClientClass<C>,
  url: string,
  options: NodeClientOptions = {},
): C {
  return clientOverPool(PrismaClient, createNodePool(url, options), options.clientOptions);
}
