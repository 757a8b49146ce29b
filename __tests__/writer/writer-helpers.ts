// Shared by the writer tests: configs aimed at a dead or silent primary, and reading rows back on the real one.
import net from 'node:net';
import { type Config, loadConfig, localSocketDir } from '../../src/config';
import { queryOnce } from '../../src/db/pg-client';

/** The config of the test cluster (RWSPLIT_CLUSTER_DIR/PORTS from the jest command line). */
export const base: Config = loadConfig(process.env);
export const primaryPort = Number(new URL(base.primaryUrl).port);
export const socketDir = localSocketDir(base.cluster);

/** A loopback port where nothing listens (bound, then released), so connecting to it is refused. */
export async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A server that accepts TCP connections and never answers: a primary that hangs while connecting. */
export async function silentServer(onSocket: (s: net.Socket) => void = () => undefined): Promise<{
  port: number;
  close: () => Promise<void>;
}> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    onSocket(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { port, close };
}

/** The app's URL with another port (and optionally another password). */
export function urlWithPort(port: number, password?: string): string {
  const url = new URL(base.primaryUrl);
  url.port = String(port);
  if (password !== undefined) url.password = password;
  return url.toString();
}

/**
 * A config whose writer sees the primary at `primaryUrl` (e.g. a dead port) while the psql fallback targets the
 * real primary's Unix socket, which keeps working when TCP does not.
 */
export function configWith(env: Record<string, string>): Config {
  return loadConfig({
    ...process.env,
    WRITER_PSQL_HOST: socketDir,
    WRITER_PSQL_PORT: String(primaryPort),
    ...env,
  });
}

/** The row as the real primary has it, or undefined. */
export async function rowOnPrimary(id: number): Promise<{ data: string; octets: number } | undefined> {
  const rows = await queryOnce<{ data: string; octets: number; in_recovery: boolean; port: number }>(
    base.primaryUrl,
    'SELECT data, octet_length(data) AS octets, pg_is_in_recovery() AS in_recovery, inet_server_port() AS port FROM test_replication WHERE id = $1',
    [id],
  );
  const row = rows[0];
  if (!row) return undefined;
  // The server itself says it is the primary we meant.
  if (row.in_recovery || row.port !== primaryPort) throw new Error(`read back from the wrong server: ${row.port}`);
  return { data: row.data, octets: row.octets };
}

/** How many rows hold data starting with `prefix` (to prove nothing was written). */
export async function countLike(prefix: string): Promise<number> {
  const rows = await queryOnce<{ n: number }>(
    base.primaryUrl,
    'SELECT count(*)::int AS n FROM test_replication WHERE starts_with(data, $1)',
    [prefix],
  );
  return rows[0]?.n ?? -1;
}

/** True when test_replication still exists on the primary. */
export async function tableExists(): Promise<boolean> {
  const rows = await queryOnce<{ t: string | null }>(
    base.primaryUrl,
    "SELECT to_regclass('public.test_replication')::text AS t",
  );
  return rows[0]?.t === 'test_replication';
}

/** About 1 MiB of text mixing every character COPY escapes, quotes, and multi-byte UTF-8. */
export const ONE_MB = (() => {
  const chunk = 'line \\ \'q\' "dq" \t tab é 😀 \r\n\\.\n';
  return chunk.repeat(Math.ceil((1024 * 1024) / Buffer.byteLength(chunk)));
})();

/** The values the spec wants stored byte-exact on every write path (Prisma, psql, docker exec). */
export const SAMPLES: ReadonlyArray<readonly [string, string]> = [
  ['a quote', "O'Brien"],
  ['a backslash', '\\'],
  ['an injection attempt', "'); DROP TABLE test_replication; --"],
  ['emoji (4-byte, ZWJ family, flag)', '😀 👨‍👩‍👧‍👦 🇫🇷 e\u0301'],
  ['newlines, tabs, CR and a COPY end marker', 'a\nb\tc\r\nd\r\\.\n\\.\n\\N'],
  ['an empty string', ''],
  ['1 MB of text', ONE_MB],
];
