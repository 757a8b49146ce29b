// Which server answered: the server's own word, never an assumption about which branch the code took.
interface RawQueryable {
  $queryRaw<T>(query: TemplateStringsArray, ...values: unknown[]): Promise<T>;
}

export async function serverIdentity(client: RawQueryable): Promise<{ port: number; inRecovery: boolean }> {
  const rows = await client.$queryRaw<{ port: number; in_recovery: boolean }[]>`
    SELECT inet_server_port() AS port, pg_is_in_recovery() AS in_recovery`;
  return { port: rows[0]!.port, inRecovery: rows[0]!.in_recovery };
}
