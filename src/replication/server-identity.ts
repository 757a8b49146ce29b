// "Which server answered?": the port it listens on and its role, as the server itself reports them.
import { type PgTarget, queryOnce } from '../db/pg-client';
import { SERVER_IDENTITY } from './queries';

export interface ServerIdentity {
  /** inet_server_port(): the port of the server that ran the query. */
  readonly port: number;
  /** pg_is_in_recovery(): true on a standby. */
  readonly inRecovery: boolean;
  /** cluster_name (the local cluster sets it to the node's name; may be empty elsewhere). */
  readonly name: string;
}

interface Row {
  port: number;
  in_recovery: boolean;
  name: string;
}

/** What we use of a Prisma client to ask it: raw SQL runs on whichever node that client is bound to. */
export interface RawQueryClient {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

function toIdentity(row: Row | undefined, where: string): ServerIdentity {
  if (!row) throw new Error(`${where}: the identity query returned no row.`);
  return Object.freeze({ port: Number(row.port), inRecovery: row.in_recovery, name: row.name });
}

/** Asks a node over a short-lived pg connection. */
export async function readServerIdentity(target: PgTarget): Promise<ServerIdentity> {
  return toIdentity((await queryOnce<Row>(target, SERVER_IDENTITY))[0], 'server identity');
}

/** Asks through a Prisma client, e.g. the one `$replica()` picked: proves which node that client reads from. */
export async function askServerIdentity(client: RawQueryClient): Promise<ServerIdentity> {
  return toIdentity((await client.$queryRawUnsafe<Row[]>(SERVER_IDENTITY))[0], 'server identity via Prisma');
}
