// The local cluster's life, for real, on a cluster of this file's own: created from nothing by the jest global
// setup (as `npm test` on a fresh clone does), then idempotent `up`, `status`, role separation, bounded waits,
// stale pid files, a crash, taken ports, `down`, a lost standby folder, and `reset`. Tests run in order.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { formatStatus } from '../../src/cluster/cluster-commands';
import { LocalCluster, portAnswers } from '../../src/cluster/local-cluster';
import { serverAccount } from '../../src/cluster/os-user';
import { CLUSTER_BASE, loadConfig, localNodeUrl, PROJECT_ROOT } from '../../src/config';
import { queryOnce, withPg } from '../../src/db/pg-client';

const PORTS = [25720, 25721, 25722];
const dir = path.join(CLUSTER_BASE, '.cluster-f-life');
const cfg = { ...loadConfig({}).cluster, dir, ports: PORTS };
const logs: string[] = [];
const cluster = new LocalCluster(cfg, (line) => logs.push(line));
const admin = (name: string, database = 'postgres') => cluster.adminTarget(cluster.node(name), database);
const primaryUrl = localNodeUrl(cfg, 0);
const pidOf = (name: string) => Number(readFileSync(path.join(dir, name, 'postmaster.pid'), 'utf8').split('\n')[0]);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The environment of `RWSPLIT_CLUSTER_DIR=… RWSPLIT_CLUSTER_PORTS=… npm test` for this file's cluster. */
function clusterEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, RWSPLIT_CLUSTER_DIR: dir, RWSPLIT_CLUSTER_PORTS: PORTS.join(',') };
  delete env.DATABASE_URL;
  delete env.REPLICA_URLS;
  return env;
}

/** Runs TypeScript in a child process with that environment (Jest's own `process.env` is a copy children never see). */
function tsNode(args: string[]) {
  const r = spawnSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'ts-node'), args, {
    cwd: PROJECT_ROOT,
    env: clusterEnv(),
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function listen(server: net.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

async function replication(): Promise<{ application_name: string; state: string }[]> {
  return queryOnce(admin('primary'), 'SELECT application_name, state FROM pg_stat_replication ORDER BY 1');
}

async function inRecovery(): Promise<boolean[]> {
  return Promise.all(
    cluster.nodes.map(
      async (n) => (await queryOnce<{ r: boolean }>(admin(n.name), 'SELECT pg_is_in_recovery() AS r'))[0]!.r,
    ),
  );
}

beforeAll(async () => {
  await cluster.reset(); // anything an interrupted run left behind
}, 60_000);
afterAll(async () => {
  await cluster.reset();
}, 60_000);

test('`npm test` from a clean state: the global setup creates, starts and migrates a cluster that does not exist', async () => {
  expect(existsSync(dir)).toBe(false);
  // Jest's own global setup, run as Jest runs it: in a process of its own, with the environment it was given.
  const setup = tsNode([
    '-e',
    "require('./__tests__/setup/global-setup').default().then(() => console.log('started: ' + globalThis.__rwsplitStartedCluster))",
  ]);
  // It remembers that it started the cluster, so that the global teardown stops it again.
  expect(setup).toEqual({ status: 0, output: expect.stringContaining('started: true') });

  expect(await replication()).toEqual([
    { application_name: 'standby1', state: 'streaming' },
    { application_name: 'standby2', state: 'streaming' },
  ]);
  expect(await inRecovery()).toEqual([false, true, true]);
  const migrated = await queryOnce(primaryUrl, 'SELECT migration_name FROM "_prisma_migrations"');
  expect(migrated).toEqual([{ migration_name: '20261125000000_init' }]);
  // Standbys retry a lost primary every second (PostgreSQL's default is 5 s), so `up` after a restart is quick.
  const retry = await queryOnce(admin('standby1'), "SELECT current_setting('wal_retrieve_retry_interval') AS s");
  expect(retry).toEqual([{ s: '1s' }]);
});

test('up on a running cluster is a no-op: the same postmasters, nothing started or written', async () => {
  const before = cluster.nodes.map((n) => pidOf(n.name));
  logs.length = 0;
  await cluster.up();
  expect(cluster.nodes.map((n) => pidOf(n.name))).toEqual(before);
  expect(logs).toEqual([]);
});

test('status: role, port, replication state and lag of each node', async () => {
  await queryOnce(primaryUrl, "INSERT INTO test_replication (data) VALUES ('status probe')");
  const rows = await cluster.status();
  expect(rows.map((r) => [r.name, r.port, r.role, r.state])).toEqual([
    ['primary', PORTS[0], 'primary', '-'],
    ['standby1', PORTS[1], 'standby', 'streaming'],
    ['standby2', PORTS[2], 'standby', 'streaming'],
  ]);
  expect(rows[0]).toMatchObject({ lagBytes: null, lagSeconds: null });
  for (const r of rows.slice(1)) {
    expect(typeof r.lagBytes).toBe('number');
    expect(r.lagSeconds === null || typeof r.lagSeconds === 'number').toBe(true);
  }
  const table = formatStatus(rows);
  expect(table).toMatch(/node\s+│ port\s+│ role\s+│ state\s+│ lag bytes │ lag \(s\)/);
  expect(table).toMatch(new RegExp(`standby2 │ ${PORTS[2]} │ standby │ streaming`));
});

test('the replication role is separate from the app role', async () => {
  const roles = await queryOnce(
    admin('primary'),
    'SELECT rolname, rolsuper, rolreplication FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname',
    [[cfg.appUser, cfg.replicationUser]],
  );
  expect(roles).toEqual(
    [
      { rolname: cfg.appUser, rolsuper: false, rolreplication: false },
      { rolname: cfg.replicationUser, rolsuper: false, rolreplication: true },
    ].sort((a, b) => a.rolname.localeCompare(b.rolname)),
  );
  // A physical replication connection: refused for the app role, accepted for the replication role.
  const replicationUrl = (user: string, password: string) =>
    `postgresql://${user}:${password}@127.0.0.1:${PORTS[0]}/${cfg.database}?replication=true`;
  await expect(withPg(replicationUrl(cfg.appUser, cfg.appPassword), (c) => c.query('IDENTIFY_SYSTEM'))).rejects.toThrow(
    /replication connection/,
  );
  const identity = await withPg(replicationUrl(cfg.replicationUser, cfg.replicationPassword), (c) =>
    c.query<{ systemid: string }>('IDENTIFY_SYSTEM'),
  );
  expect(identity.rows[0]!.systemid).toMatch(/^\d+$/);
});

test('`cluster:up` (which prints the status table too) never prints a password', () => {
  const r = tsNode(['scripts/cluster.ts', 'up']);
  expect(r.status).toBe(0);
  expect(r.output).toMatch(new RegExp(`standby2 │ ${PORTS[2]} │ standby │ streaming`));
  for (const secret of [cfg.appPassword, cfg.replicationPassword]) expect(r.output).not.toContain(secret);
});

let standby2PidFile = '';

test('waitForStreaming with a standby stopped gives up at its timeout with a clear message; status shows it down', async () => {
  standby2PidFile = readFileSync(path.join(dir, 'standby2', 'postmaster.pid'), 'utf8');
  await cluster.stop('standby2');
  await expect(cluster.waitForStreaming(500)).rejects.toThrow(
    /^Standbys did not start streaming within 0\.5s \(not streaming yet: standby2\)\. Look at the logs in /,
  );
  const down = (await cluster.status()).find((r) => r.name === 'standby2');
  expect(down).toEqual({
    name: 'standby2',
    port: PORTS[2],
    role: 'down',
    state: '-',
    lagBytes: null,
    lagSeconds: null,
  });
});

// Owned by the server account, so that pg_ctl (running as it) sees the PID alive, as after a PID is recycled.
let sleeper: ChildProcess | undefined;
afterAll(() => sleeper?.kill());
const staleCases: [string, () => Promise<number>][] = [
  [
    'a live `sleep`',
    async () => {
      const runAs = await serverAccount();
      sleeper = spawn('sleep', ['120'], { stdio: 'ignore', ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}) });
      return sleeper.pid!;
    },
  ],
  ['the test process itself', async () => process.pid],
  ["another node's running postmaster", async () => pidOf('standby1')],
];
test.each(staleCases)(
  'a stale postmaster.pid naming %s is cleared by up; that process is left alone',
  async (_what, pid) => {
    const stalePid = await pid();
    if (existsSync(path.join(dir, 'standby2', 'postmaster.pid'))) await cluster.stop('standby2');
    // The file a server left behind, with only its first line (the PID) now naming someone else.
    const lines = standby2PidFile.split('\n');
    lines[0] = String(stalePid);
    await fs.writeFile(path.join(dir, 'standby2', 'postmaster.pid'), lines.join('\n'));
    const standby1Before = pidOf('standby1');

    await cluster.up();

    expect(pidOf('standby2')).not.toBe(stalePid);
    expect(alive(stalePid)).toBe(true);
    expect(pidOf('standby1')).toBe(standby1Before);
    expect(await replication()).toEqual([
      { application_name: 'standby1', state: 'streaming' },
      { application_name: 'standby2', state: 'streaming' },
    ]);
  },
);

test('stopping a node whose postmaster.pid is stale signals no one: the file is cleared instead', async () => {
  await cluster.stop('standby2');
  const lines = standby2PidFile.split('\n');
  lines[0] = String(sleeper!.pid);
  await fs.writeFile(path.join(dir, 'standby2', 'postmaster.pid'), lines.join('\n'));

  await cluster.down();

  // pg_ctl stop would have sent SIGTERM to the PID in the file, and then waited for a minute in vain.
  expect(alive(sleeper!.pid!)).toBe(true);
  expect(existsSync(path.join(dir, 'standby2', 'postmaster.pid'))).toBe(false);
  for (const port of PORTS) expect(await portAnswers('127.0.0.1', port)).toBe(false);
  await cluster.up();
});

test('a crashed primary (kill -9 of its postmaster) is restarted by up and recovers its data', async () => {
  const { rows } = await withPg(primaryUrl, (c) =>
    c.query<{ id: number }>("INSERT INTO test_replication (data) VALUES ('before the crash') RETURNING id"),
  );
  const crashed = pidOf('primary');
  process.kill(crashed, 'SIGKILL');
  await cluster.up();

  expect(pidOf('primary')).not.toBe(crashed);
  const log = await fs.readFile(path.join(dir, 'logs', 'primary.log'), 'utf8');
  expect(log).toMatch(/database system was interrupted|not properly shut down; automatic recovery in progress/);
  expect(await queryOnce(primaryUrl, 'SELECT data FROM test_replication WHERE id = $1', [rows[0]!.id])).toEqual([
    { data: 'before the crash' },
  ]);
  expect(await inRecovery()).toEqual([false, true, true]);
});

test("a standby's port taken by a listening server: up fails at once, naming the port and RWSPLIT_CLUSTER_PORTS", async () => {
  await cluster.stop('standby1');
  const squatter = net.createServer();
  await listen(squatter, PORTS[1]!);
  try {
    await expect(cluster.up()).rejects.toThrow(
      `Port ${PORTS[1]} on 127.0.0.1 is taken by another process, not by this cluster's standby1. ` +
        'Stop that process, or choose other ports with RWSPLIT_CLUSTER_PORTS=p0,p1,p2.',
    );
  } finally {
    await new Promise((resolve) => squatter.close(resolve));
  }
});

test("a standby's port bound by a connection (nothing listens): up fails after its retries, naming the port", async () => {
  // The local end of an outgoing connection, bound without SO_REUSEADDR: PostgreSQL cannot bind the port,
  // yet nothing answers on it. perl-base is on every Debian system. SO_LINGER 0 makes its close a reset, so
  // the port is not left in TIME_WAIT (which would block PostgreSQL for a minute).
  // The reset from perl's close reaches the accepted socket as an error, which needs a listener.
  const peer = net.createServer((socket) => socket.on('error', () => undefined));
  await listen(peer, 0);
  const peerPort = (peer.address() as net.AddressInfo).port;
  const holder = spawn('perl', [
    '-MIO::Socket::INET',
    '-MSocket',
    '-e',
    '$s = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $ARGV[0], LocalAddr => "127.0.0.1", ' +
      'LocalPort => $ARGV[1], Proto => "tcp") or die "connect: $!"; ' +
      '$s->setsockopt(SOL_SOCKET, SO_LINGER, pack("ii", 1, 0)); $| = 1; print "held\\n"; sleep 120',
    String(peerPort),
    String(PORTS[1]),
  ]);
  try {
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.once('data', () => resolve());
      holder.once('exit', (code) => reject(new Error(`perl exited with ${code}`)));
    });
    expect(await portAnswers('127.0.0.1', PORTS[1]!)).toBe(false);
    await expect(cluster.up()).rejects.toThrow(
      new RegExp(
        `Could not start standby1 on port ${PORTS[1]}\\..*Address already in use.*Port ${PORTS[1]} is in use by another ` +
          'socket .*choose other ports with RWSPLIT_CLUSTER_PORTS',
        's',
      ),
    );
  } finally {
    const exited = holder.exitCode !== null || holder.signalCode !== null ? null : once(holder, 'exit');
    holder.kill();
    await exited;
    await new Promise((resolve) => peer.close(resolve));
  }
});

test('once the port is free, up starts the standby again', async () => {
  await cluster.up();
  expect(await inRecovery()).toEqual([false, true, true]);
});

test('down stops every node; down again is a no-op', async () => {
  await cluster.down();
  for (const port of PORTS) expect(await portAnswers('127.0.0.1', port)).toBe(false);
  logs.length = 0;
  await cluster.down();
  expect(logs).toEqual([]);
});

test('up after down starts every node with the data intact', async () => {
  await cluster.up();
  const rows = await queryOnce(
    admin('standby2', cfg.database),
    "SELECT count(*)::int AS n FROM test_replication WHERE data = 'before the crash'",
    [],
  );
  expect(rows).toEqual([{ n: 1 }]);
  expect(await inRecovery()).toEqual([false, true, true]);
});

test('a standby folder deleted while the cluster is down is recreated by up', async () => {
  await cluster.down();
  await fs.rm(path.join(dir, 'standby2'), { recursive: true });
  await cluster.up();
  expect(existsSync(path.join(dir, 'standby2', 'PG_VERSION'))).toBe(true);
  expect(await replication()).toEqual([
    { application_name: 'standby1', state: 'streaming' },
    { application_name: 'standby2', state: 'streaming' },
  ]);
  const rows = await queryOnce(
    admin('standby2', cfg.database),
    "SELECT count(*)::int AS n FROM test_replication WHERE data = 'before the crash'",
  );
  expect(rows).toEqual([{ n: 1 }]);
});

test('reset stops everything and deletes the folder', async () => {
  await cluster.reset();
  expect(existsSync(dir)).toBe(false);
  for (const port of PORTS) expect(await portAnswers('127.0.0.1', port)).toBe(false);
});
