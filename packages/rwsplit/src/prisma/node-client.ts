// One PrismaClient per node, made from the application's own generated class, each over its own pg Pool through
// @prisma/adapter-pg. rwsplit never imports a generated client: the application hands its class in.
import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';

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
  /** How long to wait for a new connection, in ms. Default 3000, so a dead node fails fast instead of hanging. */
  readonly connectTimeoutMs?: number;
  /** Further pg Pool settings; they win over `poolSize` and `connectTimeoutMs`. Default none. */
  readonly pool?: PoolOptions;
  /** Options for the client's constructor (the adapter is rwsplit's). Default none. */
  readonly clientOptions?: object;
  /** The pg Client class the pool makes connections with (the router's primary uses one that follows failover). */
  readonly clientClass?: typeof pg.Client;
}

/**
 * A PrismaClient of the application's class bound to one node. The pool's own connection errors are surfaced
 * through queries.
 * @example const replica = createNodeClient(PrismaClient, 'postgresql://app:pw@replica1:5432/app');
 */
export function createNodeClient<C extends NodeClient>(
  PrismaClient: PrismaClientClass<C>,
  url: string,
  options: NodeClientOptions = {},
): C {
  const adapter = new PrismaPg(
    {
      connectionString: url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
      ...options.pool,
      ...(options.clientClass ? { Client: options.clientClass } : {}),
    },
    // An idle pooled connection killed by the server (standby stopped, pg_terminate_backend) emits 'error' on
    // the pool; the next query on that node reports the failure, so the event needs only a listener here.
    { onPoolError: () => undefined, onConnectionError: () => undefined },
  );
  const Client = PrismaClient as unknown as new (options: object) => C;
  return new Client({ ...options.clientOptions, adapter });
}
