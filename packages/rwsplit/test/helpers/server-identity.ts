// Which server answered: the server's own word, never an assumption about which branch the code took.
interface RawQueryable {
  $queryRaw<T>(query: TemplateStringsArray, ...values: unknown[]): Promise<T>;
}

export interface ServerIdentity {
  /** inet_server_port(): the port the answering server listens on. */
  readonly port: number;
  /** pg_is_in_recovery(): true on a standby. */
  readonly inRecovery: boolean;
}

export async function serverIdentity(client: RawQueryable): Promise<ServerIdentity> {
  const rows = await client.$queryRaw<{ port: number; in_recovery: boolean }[]>`
    SELECT inet_server_port() AS port, pg_is_in_recovery() AS in_recovery`;
  return { port: rows[0]!.port, inRecovery: rows[0]!.in_recovery };
}
