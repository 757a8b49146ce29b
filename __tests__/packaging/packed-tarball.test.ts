// The library as a user gets it: `npm pack` of packages/rwsplit, installed from the tarball into a fresh project
// outside the repository (no workspace link), with that project's own schema and generated client. The
// consumer scripts (consumer/) print what the servers answered; this test asserts on it.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { loadConfig } from '../../src/config';
import { LocalCluster } from '../../src/cluster/local-cluster';
import { queryOnce } from '../../src/db/pg-client';
import { waitUntil } from '../helpers/wait-until';

const REPO = path.resolve(__dirname, '..', '..');
const TEMPLATE = path.join(__dirname, 'consumer');
/** The peers at the versions the repository itself runs (all in the npm cache after its own install). */
const PEERS = [
  '@prisma/client@7.10.0',
  '@prisma/adapter-pg@7.10.0',
  'pg@8.23.1',
  'prisma@7.10.0',
  'typescript@6.0.3',
  'prom-client@15.1.3',
];
/** Template files stored under another name in the repository, and their names in the consumer project. */
const RENAMED: Readonly<Record<string, string>> = {
  'package.template.json': 'package.json',
  // The repository's `tsc -p .` covers __tests__: misspelt.ts fails by design, and both import a client that is
  // generated only inside the consumer.
  'typed.ts.template': 'typed.ts',
  'misspelt.ts.template': 'misspelt.ts',
};

const CURRENT_LSN = 'SELECT pg_current_wal_lsn()::text AS lsn';
const REPLAYED = 'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok';
const PAUSE_REPLAY = 'SELECT pg_wal_replay_pause()';
const RESUME_REPLAY = 'SELECT pg_wal_replay_resume()';
const INSERT_AUTHOR = 'INSERT INTO pack_author (name) VALUES ($1) RETURNING id';
const AUTHOR_PRESENT = 'SELECT EXISTS (SELECT 1 FROM pack_author WHERE id = $1) AS present';
const DROP_TABLES = 'DROP TABLE IF EXISTS pack_book, pack_author';

const config = loadConfig();
const cluster = new LocalCluster(config.cluster);
const [primaryPort, ...standbyPorts] = config.cluster.ports;
const standbyAdmins = cluster.nodes.slice(1).map((n) => cluster.adminTarget(n));

/**
 * The environment of every child: ours without the lower-case `npm_*` variables a parent npm script exports
 * (`npm_config_local_prefix`, `npm_config_workspace` of `npm test -w …` would steer the consumer's npm into the
 * repository) and without NODE_PATH. A user's own `NPM_CONFIG_*` (a registry mirror, a proxy) is kept.
 */
function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('npm_') && key !== 'NODE_PATH' && key !== 'INIT_CWD') env[key] = value;
  }
  return { ...env, PRISMA_HIDE_UPDATE_MESSAGE: '1', ...extra };
}

interface Run {
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly all: string;
}

/** Runs a command with a deadline; never rejects, so each caller says what the exit code must be. */
async function run(
  file: string,
  args: readonly string[],
  cwd: string,
  timeoutMs: number,
  env: Record<string, string> = {},
): Promise<Run> {
  const r = await execa(file, args, {
    cwd,
    env: childEnv(env),
    extendEnv: false,
    timeout: timeoutMs,
    reject: false,
    all: true,
  });
  return { exitCode: r.exitCode, stdout: String(r.stdout ?? ''), all: String(r.all ?? '') };
}

async function mustRun(...args: Parameters<typeof run>): Promise<Run> {
  const r = await run(...args);
  if (r.exitCode !== 0) {
    throw new Error(`${args[0]} ${args[1].join(' ')} (in ${args[2]}) exited ${r.exitCode}:\n${r.all}`);
  }
  return r;
}

/** The last line of a consumer script's stdout, as JSON. */
function lastJsonLine<T>(r: Run): T {
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as T;
}

async function present(target: string, id: number): Promise<boolean> {
  return (await queryOnce<{ present: boolean }>(target, AUTHOR_PRESENT, [id]))[0]!.present;
}

interface CjsResult {
  resolved: string;
  promClientLoaded: boolean;
  reads: { findUnique: unknown; findMany: unknown[]; primaryFindUnique: { id: number; name: string } | null };
  identities: { port: number; inRecovery: boolean }[];
  created: { id: number };
  session: {
    createdId: number;
    read: { id: number; name: string; books: { title: string }[] } | null;
    route: string[];
  };
}

interface EsmResult {
  resolved: { main: string; metrics: string };
  identity: { port: number; inRecovery: boolean };
  findManyIsArray: boolean;
  queries: { role: string; operation: string; value: number }[];
}

jest.setTimeout(90_000);

describe('the packed tarball, installed in a fresh project', () => {
  let tmp: string;
  let consumer: string;
  const urls = { PRIMARY_URL: config.primaryUrl, REPLICA_URLS: config.replicaUrls.join(',') };

  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'rwsplit-packed-'));
    const packDir = path.join(tmp, 'pack');
    consumer = path.join(tmp, 'consumer');
    await fs.mkdir(packDir);
    // prepack builds dist/ from the current sources, as a publish would.
    await mustRun('npm', ['pack', '-w', 'rwsplit', '--pack-destination', packDir], REPO, 60_000);
    const packed = (await fs.readdir(packDir)).filter((f) => f.endsWith('.tgz'));
    expect(packed).toHaveLength(1);
    const tarball = path.join(packDir, packed[0]!);

    await fs.cp(TEMPLATE, consumer, { recursive: true });
    for (const [from, to] of Object.entries(RENAMED)) {
      await fs.rename(path.join(consumer, from), path.join(consumer, to));
    }
    // The tarball's own dependency (zod) and the peers come from the npm cache; the registry only when it lacks one.
    await mustRun(
      'npm',
      ['install', tarball, ...PEERS, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
      consumer,
      120_000,
    );
    // Offline: the CLI wants a schema engine binary before `generate`, which itself needs none (ENGINEERING-NOTES).
    await mustRun('npx', ['--no', '--', 'prisma', 'generate'], consumer, 60_000, {
      PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
    });
    // Prisma 7 generates TypeScript; the consumer scripts load it compiled to CommonJS (build/generated).
    await mustRun('npx', ['--no', '--', 'tsc', '-p', 'tsconfig.json'], consumer, 60_000);

    await queryOnce(config.primaryUrl, await fs.readFile(path.join(TEMPLATE, 'schema.sql'), 'utf8'));
    // The standbys must have the tables before replay is paused.
    const lsn = (await queryOnce<{ lsn: string }>(config.primaryUrl, CURRENT_LSN))[0]!.lsn;
    await waitUntil(
      async () =>
        (
          await Promise.all(
            config.replicaUrls.map(async (url) => (await queryOnce<{ ok: boolean }>(url, REPLAYED, [lsn]))[0]!.ok),
          )
        ).every(Boolean),
      "the standbys to replay the consumer's tables",
    );
  }, 180_000);

  afterAll(async () => {
    await Promise.all(standbyAdmins.map((t) => queryOnce(t, RESUME_REPLAY)));
    await queryOnce(config.primaryUrl, DROP_TABLES);
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  test('node_modules/rwsplit is the unpacked tarball: a real folder with dist/ (and src/ for its source maps), no tests', async () => {
    const installed = path.join(consumer, 'node_modules', 'rwsplit');
    const stat = await fs.lstat(installed);
    expect(stat.isSymbolicLink()).toBe(false);
    expect(stat.isDirectory()).toBe(true);
    expect(path.relative(REPO, await fs.realpath(installed)).startsWith('..')).toBe(true);
    // From the tarball (a `file:` dependency), at the workspace's version: never a same-named registry package.
    const manifest = JSON.parse(await fs.readFile(path.join(consumer, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(manifest.dependencies.rwsplit).toMatch(/^file:.*\.tgz$/);
    const version = async (dir: string) =>
      (JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    expect(await version(installed)).toBe(await version(path.join(REPO, 'packages', 'rwsplit')));
    const shipped = ['dist/index.js', 'dist/index.d.ts', 'dist/metrics/index.js', 'dist/metrics/index.d.ts', 'LICENSE'];
    // The source maps point at ../src: the sources ship with them, so stack traces and "go to definition" work.
    for (const file of [...shipped, 'src/index.ts']) {
      expect(existsSync(path.join(installed, file))).toBe(true);
    }
    for (const absent of ['test', 'tsconfig.json', 'tsconfig.build.json']) {
      expect(existsSync(path.join(installed, absent))).toBe(false);
    }
    // The generated client lives in the consumer, not in the tarball or the repository.
    expect(existsSync(path.join(consumer, 'generated', 'prisma', 'client.ts'))).toBe(true);
  });

  // typed.ts is checked with skipLibCheck off: the packed declarations must themselves compile in a consumer that
  // has only the peers (and what they bring: @types/pg and @types/node come with @prisma/adapter-pg).
  test("tsc: the consumer's models are typed through rw.client; a misspelt model is refused", async () => {
    const [typed, misspelt] = await Promise.all([
      run('npx', ['--no', '--', 'tsc', '-p', 'tsconfig.typed.json'], consumer, 60_000),
      run('npx', ['--no', '--', 'tsc', '-p', 'tsconfig.misspelt.json'], consumer, 60_000),
    ]);
    expect({ exitCode: typed.exitCode, output: typed.all }).toEqual({ exitCode: 0, output: '' });
    expect(misspelt.exitCode).not.toBe(0);
    expect(misspelt.all).toMatch(/misspelt\.ts\(\d+,\d+\): error TS(2551|2339): Property 'boook' does not exist/);
  });

  test('CommonJS: reads on a standby, writes on the primary, read-your-writes in a session', async () => {
    await Promise.all(standbyAdmins.map((t) => queryOnce(t, PAUSE_REPLAY)));
    try {
      // Only the primary has this row: where a read finds it, or not, shows which server answered.
      const marker = (await queryOnce<{ id: number }>(config.primaryUrl, INSERT_AUTHOR, ['packed-marker']))[0]!.id;
      const out = lastJsonLine<CjsResult>(
        await mustRun('node', ['consumer.cjs'], consumer, 30_000, { ...urls, MARKER_ID: String(marker) }),
      );
      expect(out.resolved).toBe(path.join(consumer, 'node_modules', 'rwsplit', 'dist', 'index.js'));
      expect(out.promClientLoaded).toBe(false);

      // (a) A read lands on a replica.
      expect(out.reads.findUnique).toBeNull();
      expect(out.reads.findMany).toEqual([]);
      expect(out.reads.primaryFindUnique).toEqual({ id: marker, name: 'packed-marker' });
      for (const identity of out.identities) {
        expect(identity.inRecovery).toBe(true);
        expect(standbyPorts).toContain(identity.port);
      }
      expect(out.identities.map((i) => i.port)).not.toContain(primaryPort);

      // (b) A write lands on the primary, and nowhere else yet (replay is paused).
      expect(await present(config.primaryUrl, out.created.id)).toBe(true);
      for (const url of config.replicaUrls) expect(await present(url, out.created.id)).toBe(false);

      // (c) Read-your-writes: the session's read found its own write, which no standby has.
      expect(out.session.read).toMatchObject({ id: out.session.createdId, books: [{ title: 'Read back' }] });
      for (const url of config.replicaUrls) expect(await present(url, out.session.createdId)).toBe(false);
      expect(out.session.route).toEqual(expect.arrayContaining(['primary:findUnique']));
    } finally {
      await Promise.all(standbyAdmins.map((t) => queryOnce(t, RESUME_REPLAY)));
    }
  });

  test('ES module: both entry points import by name; a routed read is answered by a standby and counted', async () => {
    const out = lastJsonLine<EsmResult>(await mustRun('node', ['consumer.mjs'], consumer, 30_000, urls));
    const dist = path.join(consumer, 'node_modules', 'rwsplit', 'dist');
    expect(out.resolved).toEqual({
      main: `file://${path.join(dist, 'index.js')}`,
      metrics: `file://${path.join(dist, 'metrics', 'index.js')}`,
    });
    expect(out.identity.inRecovery).toBe(true);
    expect(standbyPorts).toContain(out.identity.port);
    expect(out.findManyIsArray).toBe(true);
    expect(out.queries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ role: 'replica', operation: '$queryRaw', value: 1 }),
        expect.objectContaining({ role: 'replica', operation: 'findMany', value: 1 }),
      ]),
    );
  });
});
