// One PrismaClient per node, each over its own pg Pool through @prisma/adapter-pg.
import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient } from '../generated/prisma/client';

export { PrismaClient };

export interface NodeClientOptions {
  /** Pool size of this node's client. Default 10 (pg's default). */
  readonly poolSize?: number;
  /** How long to wait for a new connection, in ms. Default 3000, so a dead node fails fast instead of hanging. */
  readonly connectTimeoutMs?: number;
  /** The pg Client class the pool makes connections with (the router's primary uses one that follows failover). */
  readonly clientClass?: typeof pg.Client;
}

/** A PrismaClient bound to one node. The pool's own connection errors are surfaced through queries. */
export function createNodeClient(url: string, options: NodeClientOptions = {}): PrismaClient {
  const adapter = new PrismaPg(
    {
      connectionString: url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
      ...(options.clientClass ? { Client: options.clientClass } : {}),
    },
    // An idle pooled connection killed by the server (standby stopped, pg_terminate_backend) emits 'error' on
    // the pool; the next query on that node reports the failure, so the event needs only a listener here.
    { onPoolError: () => undefined, onConnectionError: () => undefined },
  );
  return new PrismaClient({ adapter });
}
