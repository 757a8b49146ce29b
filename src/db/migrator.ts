// Applies prisma/migrations. With Prisma's schema engine available it runs `prisma migrate deploy`; offline it
// applies the same files itself and records the same `_prisma_migrations` rows (sha256 checksum of each file,
// started/finished timestamps), so either path can take over from the other.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT } from '../config';
import type pg from 'pg';
import { type PgTarget, withPg } from './pg-client';

/** Where migrations live, in Prisma Migrate's layout. */
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'prisma', 'migrations');

/** Prisma Migrate's own advisory lock key, so our applier and `migrate deploy` never run at once. */
const PRISMA_MIGRATE_LOCK = 72707369;

/** Prisma Migrate's bookkeeping table, as it creates it. */
const CREATE_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"            VARCHAR(64) NOT NULL,
    "finished_at"         TIMESTAMPTZ,
    "migration_name"      VARCHAR(255) NOT NULL,
    "logs"                TEXT,
    "rolled_back_at"      TIMESTAMPTZ,
    "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`;

export interface MigrationFile {
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrateResult {
  readonly via: 'prisma-migrate' | 'rwsplit-applier';
  /** Names applied by this run (empty when everything was applied already). */
  readonly applied: readonly string[];
}

/** Prisma's checksum: sha256 of the file's bytes, lower-case hex. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/**
 * Does `checksum` (from `_prisma_migrations`) match `sql`? Prisma's own rule (schema engine, checksum.rs): the file
 * as it is, or with its line endings converted either way (git may have rewritten them), and, for rows written by
 * early Prisma versions, the old format that dropped each byte's leading zero.
 */
export function checksumMatches(sql: string, checksum: string): boolean {
  const variants = [sql, sql.replace(/\r\n/g, '\n'), sql.replace(/\n/g, '\r\n')];
  return variants.some((text) => {
    const digest = createHash('sha256').update(text, 'utf8').digest();
    const rendered =
      checksum.length === 64 || checksum === ''
        ? digest.toString('hex')
        : [...digest].map((byte) => byte.toString(16)).join('');
    return rendered === checksum;
  });
}

/** The migration folders in order, each with its SQL and checksum. */
export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch((cause: unknown) => {
    throw new Error(`Cannot read the migrations folder ${dir}.`, { cause });
  });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await fs.readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: migrationChecksum(sql) };
    }),
  );
}

/** How long to wait for another migration run's advisory lock, in ms (Prisma Migrate waits 10 s too). */
export const MIGRATE_LOCK_TIMEOUT_MS = 10_000;

export interface ApplyOptions {
  /** How long to wait for another run (ours or `prisma migrate deploy`) to release the lock, ms. Default 10000. */
  readonly lockTimeoutMs?: number;
}

/** Applies pending migrations with the project's own applier. Re-running is a no-op. */
export async function applyMigrations(
  target: PgTarget,
  dir = MIGRATIONS_DIR,
  options: ApplyOptions = {},
): Promise<MigrateResult> {
  const migrations = await readMigrations(dir);
  return withPg(target, async (c) => {
    await lockMigrations(c, options.lockTimeoutMs ?? MIGRATE_LOCK_TIMEOUT_MS);
    try {
      await c.query(CREATE_MIGRATIONS_TABLE);
      const { rows } = await c.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
        'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
      );
      const applied: string[] = [];
      for (const m of migrations) {
        const row = rows.find((r) => r.migration_name === m.name);
        if (row && row.finished_at === null) {
          throw new Error(
            `Migration ${m.name} started earlier but never finished. Inspect the database, then mark it rolled back ` +
              `(prisma migrate resolve --rolled-back ${m.name}, or without Prisma's engine: UPDATE "_prisma_migrations" ` +
              `SET rolled_back_at = now() WHERE migration_name = '${m.name}' AND finished_at IS NULL) ` +
              'and run db:migrate again.',
          );
        }
        if (row) {
          if (!checksumMatches(m.sql, row.checksum)) {
            throw new Error(
              `Migration ${m.name} was edited after it was applied (checksum mismatch: database has ` +
                `${row.checksum.slice(0, 12)}…, file has ${m.checksum.slice(0, 12)}…). ` +
                'Restore the file and add a new migration for the change instead.',
            );
          }
          continue;
        }
        await c.query('BEGIN');
        try {
          await c.query(m.sql);
          await c.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
             VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
            [randomUUID(), m.checksum, m.name],
          );
          await c.query('COMMIT');
        } catch (cause) {
          await c.query('ROLLBACK').catch(() => undefined);
          throw new Error(`Migration ${m.name} failed and was rolled back: ${(cause as Error).message}`, { cause });
        }
        applied.push(m.name);
      }
      return { via: 'rwsplit-applier' as const, applied };
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]).catch(() => undefined);
    }
  });
}

/** Takes Prisma Migrate's advisory lock, waiting at most `timeoutMs` (lock_timeout covers advisory locks too). */
async function lockMigrations(c: pg.Client, timeoutMs: number): Promise<void> {
  await c.query(`SELECT set_config('lock_timeout', $1, false)`, [`${timeoutMs}ms`]);
  try {
    await c.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
  } catch (cause) {
    if ((cause as { code?: string }).code !== '55P03') throw cause;
    throw new Error(
      `Another migration run holds the migration lock (pg_advisory_lock(${PRISMA_MIGRATE_LOCK})) and did not ` +
        `release it within ${timeoutMs} ms. Wait for it to finish, or find it in pg_locks ` +
        `(locktype 'advisory', objid ${PRISMA_MIGRATE_LOCK}) and end that session.`,
      { cause },
    );
  } finally {
    await c.query('RESET lock_timeout').catch(() => undefined);
  }
}

/** A configured engine path that exists and is not `true(1)` (which only lets `prisma generate` run offline). */
function isEngineFile(schemaEngine: string | undefined): schemaEngine is string {
  return !!schemaEngine && existsSync(schemaEngine) && !/^\/(usr\/)?bin\/true$/.test(schemaEngine);
}

/** True when Prisma's native schema engine is on disk, so `prisma migrate deploy` can run. */
export function schemaEngineAvailable(
  schemaEngine: string | undefined,
  enginesDir = path.join(PROJECT_ROOT, 'node_modules', '@prisma', 'engines'),
): boolean {
  if (isEngineFile(schemaEngine)) return true;
  return existsSync(enginesDir) && readdirSync(enginesDir).some((f) => f.startsWith('schema-engine'));
}

/** How long `prisma migrate deploy` may run before it is stopped, ms. */
export const MIGRATE_DEPLOY_TIMEOUT_MS = 120_000;

/** Runs `prisma migrate deploy` against `url`, with `schemaEngine` as PRISMA_SCHEMA_ENGINE_BINARY when given. */
export async function prismaMigrateDeploy(url: string, schemaEngine?: string): Promise<MigrateResult> {
  const result = await execa(
    path.join(PROJECT_ROOT, 'node_modules', '.bin', 'prisma'),
    ['migrate', 'deploy', '--config', path.join(PROJECT_ROOT, 'prisma.config.ts')],
    {
      cwd: PROJECT_ROOT,
      env: {
        DATABASE_URL: url,
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        ...(schemaEngine ? { PRISMA_SCHEMA_ENGINE_BINARY: schemaEngine } : {}),
      },
      reject: false,
      all: true,
      stdin: 'ignore',
      // Without an engine the CLI tries to download one, which hangs on a machine without network.
      timeout: MIGRATE_DEPLOY_TIMEOUT_MS,
    },
  );
  if (result.exitCode !== 0) {
    const why = result.timedOut ? `timed out after ${MIGRATE_DEPLOY_TIMEOUT_MS / 1000} s` : `exit ${result.exitCode}`;
    const engine = schemaEngine
      ? `PRISMA_SCHEMA_ENGINE_BINARY=${schemaEngine} must be Prisma's schema engine for this Prisma version`
      : `Prisma's schema engine must be in node_modules/@prisma/engines`;
    throw new Error(
      `prisma migrate deploy failed (${why}). ${engine}; without one (unset PRISMA_SCHEMA_ENGINE_BINARY) ` +
        `db:migrate uses the project's own applier. Its output:\n${result.all?.trim() ?? ''}`,
    );
  }
  const applied = [...(result.all ?? '').matchAll(/^\s*└─ (\S+)\/migration\.sql/gm)].map((m) => m[1]!);
  return { via: 'prisma-migrate', applied };
}

/** `npm run db:migrate`: Prisma Migrate where its engine is available, else the project's own applier. */
export async function migrate(url: string, schemaEngine: string | undefined): Promise<MigrateResult> {
  if (!schemaEngineAvailable(schemaEngine)) return applyMigrations(url);
  return prismaMigrateDeploy(url, isEngineFile(schemaEngine) ? schemaEngine : undefined);
}
