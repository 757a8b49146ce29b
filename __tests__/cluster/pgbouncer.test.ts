// One PgBouncer per node, for real (Debian's 1.18, which `npm run setup:tools` installs as root), in front of the
// shared local cluster through the cluster kit's `pgbouncer()`: each reaches its own node (the server says so),
// clients authenticate with SCRAM, the pool is in transaction mode, unknown startup parameters are refused, PAUSE and
// RESUME work, and stop leaves nothing running. Plus the typed errors: missing binary, port taken, bad settings.
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../src/config';
import { portAnswers } from '../../src/cluster/node-process';
import { locatePgbouncer } from '../../src/cluster/pgbouncer-binary';
import { PGBOUNCER_ADMIN, PGBOUNCER_DEFAULTS, pgbouncerConfig } from '../../src/cluster/pgbouncer-config';
import {
  PgBouncerConfigError,
  PgBouncerNotInstalledError,
  PgBouncerPortInUseError,
} from '../../src/cluster/pgbouncer-errors';
import { PgBouncerFleet } from '../../src/cluster/pgbouncer-fleet';
import {
  defaultPgBouncerPorts,
  formatPgBouncerStatus,
  localPgBouncerDir,
  parsePgBouncerPorts,
} from '../../src/cluster/local-pgbouncers';
import type { PgBouncerFront } from '../../packages/rwsplit/test/helpers/cluster-kit';
import { kitPgbouncer, pgbouncerKitDir } from '../helpers/kit-pgbouncer';

/** Primary's, standby1's and standby2's PgBouncers; a fourth port for the "port taken" case. */
const PORTS = [25750, 25751, 25752] as const;
const TAKEN_PORT = 25753;

const config = loadConfig();
const nodes = { primaryUrl: config.primaryUrl, replicaUrls: config.replicaUrls };
const nodePorts = config.cluster.ports;

/** Connects to `url`, noting whether the server asked for SASL (SCRAM), and runs `fn`. */
async function through<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
  extra: pg.ClientConfig = {},
): Promise<{ result: T; scram: boolean }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, query_timeout: 5000, ...extra });
  let scram = false;
  client.connection.once('authenticationSASL', () => (scram = true));
  client.on('error', () => undefined);
  await client.connect();
  try {
    return { result: await fn(client), scram };
  } finally {
    await client.end();
  }
}

const WHO = 'SELECT inet_server_port() AS port, pg_is_in_recovery() AS in_recovery, pg_backend_pid() AS pid';
type Who = { port: number; in_recovery: boolean; pid: number };

describe('PgBouncer in front of each node of the shared local cluster', () => {
  let front: PgBouncerFront;

  beforeAll(async () => {
    front = await kitPgbouncer(nodes, { ports: PORTS });
  });
  afterAll(async () => {
    await front?.stop();
  });

  test('each PgBouncer reaches its own node, with SCRAM, and gives the same login and database', async () => {
    const urls = [front.primaryUrl, ...front.replicaUrls];
    expect(urls).toHaveLength(nodePorts.length);
    for (const [i, url] of urls.entries()) {
      const given = new URL([nodes.primaryUrl, ...nodes.replicaUrls][i]!);
      const parsed = new URL(url);
      expect([parsed.hostname, Number(parsed.port)]).toEqual(['127.0.0.1', PORTS[i]]);
      expect([parsed.username, parsed.password, parsed.pathname]).toEqual([
        given.username,
        given.password,
        given.pathname,
      ]);
      const { result, scram } = await through(url, async (c) => (await c.query<Who>(WHO)).rows[0]!);
      expect(scram).toBe(true);
      expect(result.port).toBe(nodePorts[i]);
      expect(result.in_recovery).toBe(i > 0);
    }
    expect(front.ports).toEqual(PORTS);
  });

  test('a wrong password is refused', async () => {
    const wrong = new URL(front.primaryUrl);
    wrong.password = 'not-the-password';
    await expect(through(wrong.toString(), (c) => c.query('SELECT 1'))).rejects.toThrow(/authentication failed/);
  });

  test('transaction pooling: SHOW POOLS says so, and two open clients share one server connection', async () => {
    // Client A stays connected while B queries: in session pooling B would need a second server connection.
    const a = new pg.Client({ connectionString: front.replicaUrls[0]!, connectionTimeoutMillis: 5000 });
    await a.connect();
    try {
      const first = (await a.query<Who>(WHO)).rows[0]!;
      const { result: second } = await through(front.replicaUrls[0]!, async (b) => (await b.query<Who>(WHO)).rows[0]!);
      expect(second.pid).toBe(first.pid);
      const pools = await front.show(1, 'POOLS');
      const pool = pools.find((row) => row.database === new URL(front.replicaUrls[0]!).pathname.slice(1));
      expect(pool).toMatchObject({ pool_mode: 'transaction', user: new URL(front.replicaUrls[0]!).username });
      expect(Number(pool!.cl_active)).toBeGreaterThanOrEqual(1);
    } finally {
      await a.end();
    }
    const settings = Object.fromEntries((await front.show(0, 'CONFIG')).map((row) => [row.key, row.value]));
    expect(settings).toMatchObject({
      pool_mode: 'transaction',
      auth_type: 'scram-sha-256',
      ignore_startup_parameters: '',
      server_reset_query: '',
      listen_addr: '127.0.0.1',
    });
  });

  test('ignore_startup_parameters is left at its default: a statement_timeout startup parameter is refused', async () => {
    await expect(through(front.primaryUrl, (c) => c.query('SELECT 1'), { statement_timeout: 1000 })).rejects.toThrow(
      /unsupported startup parameter: statement_timeout/,
    );
  });

  test('pause(i) holds new queries on that node until resume(i)', async () => {
    await front.pause(2);
    try {
      const paused = through(front.replicaUrls[1]!, async (c) => (await c.query<Who>(WHO)).rows[0]!);
      const early = await Promise.race([paused.then(() => 'answered'), new Promise((r) => setTimeout(r, 400, 'held'))]);
      expect(early).toBe('held');
      await front.resume(2);
      expect((await paused).result.port).toBe(nodePorts[2]);
    } finally {
      await front.resume(2).catch(() => undefined);
    }
  });

  test('PgBouncer runs as an unprivileged account, which alone may read the passwords', async () => {
    const dir = pgbouncerKitDir(PORTS);
    const [status] = await PgBouncerFleet.status(dir);
    expect(status?.pid).not.toBeNull();
    const uid = Number(/^Uid:\s+(\d+)/m.exec(await fs.readFile(`/proc/${status!.pid}/status`, 'utf8'))?.[1]);
    expect(uid).not.toBe(0);
    const userlist = await fs.stat(path.join(dir, 'primary.userlist'));
    expect(userlist.mode & 0o777).toBe(0o600);
    expect(userlist.uid).toBe(uid);
  });

  test('starting again on the same ports reloads the running PgBouncers instead of restarting them', async () => {
    const dir = pgbouncerKitDir(PORTS);
    const before = (await PgBouncerFleet.status(dir)).map((s) => s.pid);
    const again = await PgBouncerFleet.start({
      dir,
      nodes: [nodes.primaryUrl, ...nodes.replicaUrls].map((url, i) => ({
        name: i === 0 ? 'primary' : `replica${i}`,
        url,
      })),
      ports: PORTS,
    });
    expect(again.instances.map((i) => i.url)).toEqual([front.primaryUrl, ...front.replicaUrls]);
    expect((await PgBouncerFleet.status(dir)).map((s) => s.pid)).toEqual(before);
  });

  test('stop() leaves no PgBouncer running and no port listening', async () => {
    const dir = pgbouncerKitDir(PORTS);
    const pids = (await PgBouncerFleet.status(dir)).map((s) => s.pid!);
    await front.stop();
    for (const port of PORTS) expect(await portAnswers('127.0.0.1', port)).toBe(false);
    for (const pid of pids) {
      // Gone, or exited and not yet reaped by init (a container's may take a second).
      const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => 'State:\tgone');
      expect(status).toMatch(/^State:\s+(Z|gone)/m);
    }
    await expect(fs.access(dir)).rejects.toThrow();
  });
});

describe('PgBouncer errors say what to do', () => {
  test('no binary: PgBouncerNotInstalledError names npm run setup:tools', async () => {
    const missing = locatePgbouncer(['/nonexistent/pgbouncer']);
    await expect(missing).rejects.toBeInstanceOf(PgBouncerNotInstalledError);
    await expect(missing).rejects.toThrow(/npm run setup:tools` as root/);
  });

  test('a port taken by another process: PgBouncerPortInUseError, and nothing is left running', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(TAKEN_PORT, '127.0.0.1', resolve));
    try {
      const start = kitPgbouncer({ primaryUrl: nodes.primaryUrl, replicaUrls: [] }, { ports: [TAKEN_PORT] });
      await expect(start).rejects.toBeInstanceOf(PgBouncerPortInUseError);
      await expect(start).rejects.toThrow(new RegExp(`Port ${TAKEN_PORT} on 127.0.0.1 is taken`));
      expect(await PgBouncerFleet.status(pgbouncerKitDir([TAKEN_PORT]))).toEqual([]);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
      await fs.rm(pgbouncerKitDir([TAKEN_PORT]), { recursive: true, force: true });
    }
  });

  test('the settings: transaction pooling and SCRAM; a port in the ephemeral range or a bad value is refused', () => {
    const base = {
      name: 'primary',
      listenHost: '127.0.0.1',
      listenPort: 16432,
      server: { host: '127.0.0.1', port: 15432, database: 'rwsplit' },
      logins: [{ user: 'rwsplit', password: 'pa"ss' }],
      admin: PGBOUNCER_ADMIN,
      statsUsers: ['rwsplit'],
      files: { ini: '/d/p.ini', userlist: '/d/p.userlist', log: '/d/p.log', pid: '/d/p.pid' },
      settings: { ...PGBOUNCER_DEFAULTS, extra: { query_wait_timeout: 5 } },
    };
    const { ini, userlist } = pgbouncerConfig(base);
    expect(ini).toMatch(/^rwsplit = host=127\.0\.0\.1 port=15432 dbname=rwsplit$/m);
    expect(ini).toMatch(/^pool_mode = transaction$/m);
    expect(ini).toMatch(/^auth_type = scram-sha-256$/m);
    expect(ini).toMatch(/^server_reset_query =$/m);
    expect(ini).toMatch(/^query_wait_timeout = 5$/m);
    expect(ini.match(/^query_wait_timeout/gm)).toHaveLength(1);
    expect(ini).not.toMatch(/^ignore_startup_parameters/m);
    expect(userlist).toBe('"rwsplit" "pa""ss"\n"pgbouncer_admin" "pgbouncer-dev"\n');
    expect(() => pgbouncerConfig({ ...base, listenPort: 40000 })).toThrow(PgBouncerConfigError);
    expect(() => pgbouncerConfig({ ...base, listenPort: 40000 })).toThrow(/from 1024 to 32767/);
    expect(() => pgbouncerConfig({ ...base, logins: [{ user: 'rwsplit', password: 'a\nb' }] })).toThrow(
      /control characters/,
    );
    expect(() => pgbouncerConfig({ ...base, logins: [PGBOUNCER_ADMIN] })).toThrow(/given twice/);
  });
});

describe('cluster:up --pgbouncer options', () => {
  const cluster = loadConfig({}).cluster;

  test('default ports are each node port + 1000; --pgbouncer-ports takes one port per node below 32768', () => {
    expect(defaultPgBouncerPorts(cluster)).toEqual([16432, 16433, 16434]);
    expect(parsePgBouncerPorts(' 16532,16533 ,16534', cluster)).toEqual([16532, 16533, 16534]);
    expect(() => parsePgBouncerPorts('16532,16533', cluster)).toThrow(/lists 2 port\(s\), but the local cluster has 3/);
    expect(() => parsePgBouncerPorts('16532,16533,40000', cluster)).toThrow(/"40000" is not a port from 1024 to 32767/);
    expect(() => parsePgBouncerPorts('16532,x,16534', cluster)).toThrow(PgBouncerConfigError);
    expect(localPgBouncerDir(cluster)).toBe(path.join(cluster.dir, 'pgbouncer'));
  });

  test('cluster:status shows each PgBouncer: stopped, running, paused, not answering', () => {
    const row = { name: 'primary', port: 16432, serverPort: 15432 };
    const text = formatPgBouncerStatus([
      { ...row, pid: null, database: null, poolMode: null, pool: null },
      { ...row, pid: 42, database: { paused: '0' }, poolMode: 'transaction', pool: null },
      {
        ...row,
        pid: 43,
        database: { paused: '1' },
        poolMode: 'transaction',
        pool: { cl_active: '3', cl_waiting: '1', sv_active: '1', sv_idle: '2' },
      },
      { ...row, pid: 44, database: null, poolMode: null, pool: null },
    ]);
    expect(text).toMatch(/stopped/);
    expect(text).toMatch(/running \(pid 42\) .*transaction .*0\/0 .*0\/0/);
    expect(text).toMatch(/running \(pid 43\), paused .*transaction .*3\/1 .*1\/2/);
    expect(text).toMatch(/running \(pid 44\), not answering/);
  });
});
