// The offline migration applier against real databases: each test gets a fresh database on the test cluster's
// primary (created by the superuser, owned by the app role, dropped afterwards). The rows it writes must be the
// ones Prisma Migrate writes, so either tool can take over from the other.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { LocalCluster } from '../../src/cluster/local-cluster';
import { loadConfig } from '../../src/config';
import { queryOnce, withPg } from '../../src/db/pg-client';
import { applyMigrations, MIGRATIONS_DIR, migrate, schemaEngineAvailable } from '../../src/db/migrator';

const config = loadConfig();
const cluster = new LocalCluster(config.cluster);
const INIT = '20261125000000_init';
const initPath = path.join(MIGRATIONS_DIR, INIT, 'migration.sql');
const initSql = readFileSync(initPath, 'utf8');
const initChecksum = createHash('sha256').update(readFileSync(initPath)).digest('hex');
const created: string[] = [];
let tmp: string;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const primary = cluster.node(await cluster.primaryName());
  return withPg(cluster.adminTarget(primary), fn);
}

/** A new, empty database owned by the app role; its URL. */
async function freshDatabase(): Promise<string> {
  const name = `rwsplit_f_mig_${process.pid}_${created.length}`;
  await admin(async (c) => {
    const { rows } = await c.query<{ sql: string }>(
      `SELECT format('CREATE DATABASE %I OWNER %I', $1::text, $2::text) AS sql`,
      [name, config.cluster.appUser],
    );
    await c.query(rows[0]!.sql);
  });
  created.push(name);
  const url = new URL(config.primaryUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A copy of prisma/migrations that a test may change. */
async function migrationsCopy(name: string): Promise<string> {
  const dir = path.join(tmp, name);
  await fs.cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

type MigrationRow = {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
};
const rowsOf = (url: string) =>
  queryOnce<MigrationRow>(url, 'SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name');

/** Prisma Migrate's bookkeeping table, as its schema engine creates it on PostgreSQL (written out independently). */
const PRISMA_TABLE = `CREATE TABLE "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'rwsplit-f-mig-'));
});
afterAll(async () => {
  await admin(async (c) => {
    for (const name of created) {
      const { rows } = await c.query<{ sql: string }>(
        `SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', $1::text) AS sql`,
        [name],
      );
      await c.query(rows[0]!.sql);
    }
  });
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('on a fresh database', () => {
  let url: string;
  beforeAll(async () => {
    url = await freshDatabase();
  });

  test('the init migration is applied and recorded exactly as Prisma Migrate records it', async () => {
    expect(await applyMigrations(url)).toEqual({ via: 'rwsplit-applier', applied: [INIT] });

    const columns = await queryOnce(
      url,
      `SELECT column_name, data_type, character_maximum_length AS len, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', len: 36, is_nullable: 'NO', column_default: null },
      { column_name: 'checksum', data_type: 'character varying', len: 64, is_nullable: 'NO', column_default: null },
      {
        column_name: 'finished_at',
        data_type: 'timestamp with time zone',
        len: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'migration_name',
        data_type: 'character varying',
        len: 255,
        is_nullable: 'NO',
        column_default: null,
      },
      { column_name: 'logs', data_type: 'text', len: null, is_nullable: 'YES', column_default: null },
      {
        column_name: 'rolled_back_at',
        data_type: 'timestamp with time zone',
        len: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'started_at',
        data_type: 'timestamp with time zone',
        len: null,
        is_nullable: 'NO',
        column_default: 'now()',
      },
      { column_name: 'applied_steps_count', data_type: 'integer', len: null, is_nullable: 'NO', column_default: '0' },
    ]);

    const rows = await rowsOf(url);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      checksum: initChecksum,
      finished_at: expect.any(Date),
      migration_name: INIT,
      logs: null,
      rolled_back_at: null,
      started_at: expect.any(Date),
      applied_steps_count: 1,
    });
    expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());

    const table = await queryOnce<{ t: string | null }>(url, "SELECT to_regclass('test_replication')::text AS t");
    expect(table[0]!.t).toBe('test_replication');
  });

  test('running it again is a no-op', async () => {
    const before = await rowsOf(url);
    expect(await applyMigrations(url)).toEqual({ via: 'rwsplit-applier', applied: [] });
    expect(await rowsOf(url)).toEqual(before);
  });

  test('a migration edited after it was applied is refused, naming the migration', async () => {
    const dir = await migrationsCopy('edited');
    await fs.appendFile(path.join(dir, INIT, 'migration.sql'), '\n-- an afterthought\n');
    await expect(applyMigrations(url, dir)).rejects.toThrow(
      new RegExp(
        `Migration ${INIT} was edited after it was applied \\(checksum mismatch: database has ${initChecksum.slice(0, 12)}`,
      ),
    );
  });

  test('line endings changed by git (CRLF) do not count as an edit, as in Prisma', async () => {
    const dir = await migrationsCopy('crlf');
    await fs.writeFile(path.join(dir, INIT, 'migration.sql'), initSql.replace(/\n/g, '\r\n'));
    expect(await applyMigrations(url, dir)).toEqual({ via: 'rwsplit-applier', applied: [] });
  });

  test('a failing migration is rolled back and leaves no row', async () => {
    const dir = await migrationsCopy('failing');
    const broken = '20261126000000_broken';
    await fs.mkdir(path.join(dir, broken));
    await fs.writeFile(
      path.join(dir, broken, 'migration.sql'),
      'CREATE TABLE "f_broken_marker" ("id" INTEGER);\nSELECT 1 / 0;\n',
    );
    await expect(applyMigrations(url, dir)).rejects.toThrow(
      `Migration ${broken} failed and was rolled back: division by zero`,
    );
    expect((await rowsOf(url)).map((r) => r.migration_name)).toEqual([INIT]);
    const marker = await queryOnce<{ t: string | null }>(url, "SELECT to_regclass('f_broken_marker')::text AS t");
    expect(marker[0]!.t).toBeNull();
  });

  test('while another run holds the migration lock, it gives up after the lock timeout with a clear message', async () => {
    await withPg(url, async (holder) => {
      await holder.query('SELECT pg_advisory_lock(72707369)');
      await expect(applyMigrations(url, MIGRATIONS_DIR, { lockTimeoutMs: 200 })).rejects.toThrow(
        /Another migration run holds the migration lock \(pg_advisory_lock\(72707369\)\) and did not release it within 200 ms/,
      );
    });
    // Released with the holder's session: the next run goes through.
    expect(await applyMigrations(url, MIGRATIONS_DIR, { lockTimeoutMs: 200 })).toEqual({
      via: 'rwsplit-applier',
      applied: [],
    });
  });
});

test('a half-applied migration (started, never finished) stops the run with what to do', async () => {
  const url = await freshDatabase();
  await withPg(url, async (c) => {
    await c.query(PRISMA_TABLE);
    // What Prisma leaves when the process dies mid-migration: the started row, no finished_at.
    await c.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES (gen_random_uuid(), $1, $2, now())',
      [initChecksum, INIT],
    );
  });
  await expect(applyMigrations(url)).rejects.toThrow(
    new RegExp(`Migration ${INIT} started earlier but never finished.*rolled_back_at = now\\(\\)`, 's'),
  );
  const table = await queryOnce<{ t: string | null }>(url, "SELECT to_regclass('test_replication')::text AS t");
  expect(table[0]!.t).toBeNull();
});

test('a database migrated by Prisma Migrate counts as applied (interop)', async () => {
  const url = await freshDatabase();
  await withPg(url, async (c) => {
    // Prisma's sequence: create its table, record the start, run the script, count the step, record the finish.
    await c.query(PRISMA_TABLE);
    const { rows } = await c.query<{ id: string }>(
      'INSERT INTO "_prisma_migrations" (id, checksum, started_at, migration_name) VALUES (gen_random_uuid(), $1, now(), $2) RETURNING id',
      [initChecksum, INIT],
    );
    await c.query(initSql);
    await c.query('UPDATE "_prisma_migrations" SET applied_steps_count = applied_steps_count + 1 WHERE id = $1', [
      rows[0]!.id,
    ]);
    await c.query('UPDATE "_prisma_migrations" SET finished_at = now() WHERE id = $1', [rows[0]!.id]);
  });
  const before = await rowsOf(url);
  expect(await applyMigrations(url)).toEqual({ via: 'rwsplit-applier', applied: [] });
  expect(await rowsOf(url)).toEqual(before);
});

test('a checksum in the format of early Prisma versions (no zero padding) still matches', async () => {
  const url = await freshDatabase();
  await applyMigrations(url);
  const digest = createHash('sha256').update(readFileSync(initPath)).digest();
  const unpadded = [...digest].map((b) => b.toString(16)).join('');
  // Only meaningful when some byte is below 0x10, which the test file's digest must have.
  expect(unpadded.length).toBeLessThan(64);
  await queryOnce(url, 'UPDATE "_prisma_migrations" SET checksum = $1', [unpadded]);
  expect(await applyMigrations(url)).toEqual({ via: 'rwsplit-applier', applied: [] });
  // …while a short checksum of other bytes is still a mismatch.
  await queryOnce(url, 'UPDATE "_prisma_migrations" SET checksum = $1', [
    unpadded.replace(/^./, (ch) => (ch === 'a' ? 'b' : 'a')),
  ]);
  await expect(applyMigrations(url)).rejects.toThrow(/checksum mismatch/);
});

describe('choosing prisma migrate deploy or the own applier', () => {
  test('schemaEngineAvailable: a configured engine file, or a schema-engine* in the engines folder', async () => {
    const engines = path.join(tmp, 'engines');
    await fs.mkdir(engines, { recursive: true });
    const fake = path.join(tmp, 'my-schema-engine');
    await fs.writeFile(fake, '');
    expect(schemaEngineAvailable(undefined, engines)).toBe(false);
    expect(schemaEngineAvailable(path.join(tmp, 'missing-engine'), engines)).toBe(false);
    expect(schemaEngineAvailable('/usr/bin/true', engines)).toBe(false);
    expect(schemaEngineAvailable(fake, engines)).toBe(true);
    await fs.writeFile(path.join(engines, 'schema-engine-debian-openssl-3.0.x'), '');
    expect(schemaEngineAvailable(undefined, engines)).toBe(true);
  });

  test('without an engine migrate() uses the own applier; with a broken one prisma migrate deploy fails clearly', async () => {
    const url = await freshDatabase();
    const result = await migrate(url, undefined);
    expect(result.via).toBe(schemaEngineAvailable(undefined) ? 'prisma-migrate' : 'rwsplit-applier');

    const fake = path.join(tmp, 'not-an-engine');
    await fs.writeFile(fake, 'not a binary\n');
    const err = await migrate(url, fake).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^prisma migrate deploy failed \\(exit \\d+\\)\\. PRISMA_SCHEMA_ENGINE_BINARY=${fake} must be Prisma's schema engine`,
      ),
    );
    expect((err as Error).message).toContain("db:migrate uses the project's own applier");
    expect((err as Error).message).toContain(fake);
    expect((err as Error).message).not.toContain(config.cluster.appPassword);
  });
});

test('`npm run db:migrate` on the migrated test cluster prints "nothing to apply"', () => {
  const r = spawnSync('npm', ['run', 'db:migrate'], {
    cwd: path.resolve(__dirname, '..', '..'),
    encoding: 'utf8',
    timeout: 60_000,
  });
  const output = `${r.stdout}${r.stderr}`;
  expect({ status: r.status, output }).toEqual({
    status: 0,
    // Which path ran depends on whether Prisma's schema engine is on this machine (offline it is not).
    output: expect.stringContaining(
      `nothing to apply (${schemaEngineAvailable(config.schemaEngine) ? 'prisma-migrate' : 'rwsplit-applier'})`,
    ),
  });
  expect(output).toContain(`127.0.0.1:${config.cluster.ports[0]}`);
  expect(output).not.toContain(config.cluster.appPassword);
});
