// The pgbench baseline: the same SQL as a benchmark path, run by pgbench (a custom script, no vacuum, same
// concurrency) against one node. A missing pgbench is a typed "unavailable" result, never an error.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { maskUrl, parsePostgresUrl } from '../../config';
import { summarize } from '../common/percentiles';
import type { BaselineUnavailable, PgbenchOutcome, PgbenchResult } from './baseline-result';
import { PGBENCH_INSTALL_HINT, findPgbench } from './find-pgbench';
import { parsePgbenchLog, parsePgbenchSummary } from './parse-pgbench';

/** pgbench's protocol: `extended` (default) sends parameters separately, as `pg` and Prisma's adapter do. */
export type PgbenchProtocol = 'simple' | 'extended' | 'prepared';

interface PgbenchCommon {
  /** The node to run against, e.g. a standby's URL. Its password reaches pgbench through PGPASSWORD only. */
  readonly url: string;
  /**
   * The pgbench script: one or more SQL commands (a final `;` is added when missing). pgbench meta-commands such
   * as `\set id random(1, 1000)` are allowed; reference them as `:id`.
   * @example 'SELECT id, data, created_at FROM test_replication ORDER BY created_at DESC LIMIT 10'
   */
  readonly sql: string;
  /** Concurrent clients (`-c`). Threads (`-j`) are min(clients, CPUs). */
  readonly clients: number;
  /** Protocol (`-M`). Default `extended`. */
  readonly protocol?: PgbenchProtocol;
  /** The pgbench executable. Default: `pgbench` on PATH, else the newest /usr/lib/postgresql/<v>/bin/pgbench. */
  readonly pgbench?: string;
  /**
   * Script variables (`-D name=value`), e.g. `{ lo: 1, hi: 5000 }` for `\set id random(:lo, :hi)`: the script
   * stays a constant and the values come separately.
   */
  readonly variables?: Readonly<Record<string, number>>;
}

/** Run for `seconds` (`-T`), or `transactions` per client (`-t`, as pgbench counts them). */
export type PgbenchOptions = PgbenchCommon &
  (
    | { readonly seconds: number; readonly transactions?: never }
    | { readonly transactions: number; readonly seconds?: never }
  );

/** The connection as pgbench arguments and environment: host/port/user/db in argv, the password in PGPASSWORD. */
function connection(url: string): { args: string[]; env: Record<string, string> } {
  const u = parsePostgresUrl(url, 'the pgbench target URL');
  const args = ['-h', u.hostname.replace(/^\[|\]$/g, ''), '-p', u.port || '5432'];
  if (u.username) args.push('-U', decodeURIComponent(u.username));
  const env: Record<string, string> = { PGPASSWORD: decodeURIComponent(u.password) };
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return { args, env: { ...env, PGAPPNAME: 'rwsplit-pgbench' } };
}

/** The script file's text: pgbench ends an SQL command at `;`, so one is added when the SQL lacks it. */
export function scriptText(sql: string): string {
  const text = sql.trim();
  const lastLine = text.split('\n').at(-1)?.trim() ?? '';
  return text.endsWith(';') || lastLine.startsWith('\\') ? `${text}\n` : `${text};\n`;
}

function positiveInt(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${what} must be a whole number >= 1, got ${value}.`);
}

/** A pgbench run with every transaction's latency (from its log), so runs on several nodes can be combined. */
export interface PgbenchRun {
  readonly result: PgbenchResult;
  readonly latenciesMs: readonly number[];
}

/**
 * Runs pgbench and returns tps, mean latency and percentiles (from its per-transaction log).
 * Returns `{ status: 'unavailable', kind: 'not-installed', reason }` when pgbench is missing; throws (with
 * pgbench's message) when pgbench runs and fails, e.g. on bad SQL or a node that refuses connections.
 * @example await runPgbench({ url: config.replicaUrls[0], sql: 'SELECT 1', clients: 8, seconds: 10 })
 */
export async function runPgbench(options: PgbenchOptions): Promise<PgbenchOutcome> {
  const run = await runPgbenchWithLatencies(options);
  return 'result' in run ? run.result : run;
}

/**
 * Runs `run` (runPgbench or runPgbenchSpread) and turns a failure into `{ status: 'unavailable', kind: 'failed' }`
 * with pgbench's error as the reason: a benchmark goes on without that baseline and its report says why.
 */
export async function pgbenchOrFailure(run: () => Promise<PgbenchOutcome>): Promise<PgbenchOutcome> {
  try {
    return await run();
  } catch (err) {
    const reason = `pgbench failed: ${err instanceof Error ? err.message : String(err)}`;
    return { status: 'unavailable', tool: 'pgbench', kind: 'failed', reason: maskUrl(reason) };
  }
}

/** runPgbench, also returning every transaction's latency. */
export async function runPgbenchWithLatencies(options: PgbenchOptions): Promise<PgbenchRun | BaselineUnavailable> {
  positiveInt(options.clients, 'clients');
  if (options.seconds !== undefined) positiveInt(options.seconds, 'seconds');
  if (options.transactions !== undefined) positiveInt(options.transactions, 'transactions');

  const found = await findPgbench(options.pgbench ? { command: options.pgbench, debianLib: null } : {});
  if (!found) {
    const reason = options.pgbench
      ? `pgbench not found at ${options.pgbench}: ${PGBENCH_INSTALL_HINT}`
      : `pgbench not installed: ${PGBENCH_INSTALL_HINT}`;
    return { status: 'unavailable', tool: 'pgbench', kind: 'not-installed', reason };
  }

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rwsplit-pgbench-'));
  try {
    const script = path.join(dir, 'script.sql');
    await fs.writeFile(script, scriptText(options.sql));
    const conn = connection(options.url);
    const database = decodeURIComponent(new URL(options.url).pathname.slice(1));
    const threads = Math.max(1, Math.min(options.clients, os.availableParallelism()));
    const argv = [
      ...conn.args,
      '-n',
      '-f',
      script,
      '-c',
      String(options.clients),
      '-j',
      String(threads),
      ...(options.seconds !== undefined ? ['-T', String(options.seconds)] : ['-t', String(options.transactions)]),
      '-M',
      options.protocol ?? 'extended',
      ...Object.entries(options.variables ?? {}).flatMap(([name, value]) => ['-D', `${name}=${value}`]),
      '-r',
      '--log',
      `--log-prefix=${path.join(dir, 'txlog')}`,
      database,
    ];
    const started = Date.now();
    const r = await execa(found.path, argv, {
      env: conn.env,
      reject: false,
      stdin: 'ignore',
      cwd: dir,
      timeout: ((options.seconds ?? 600) + 120) * 1000,
    });
    const durationMs = Date.now() - started;
    if (r.exitCode !== 0) {
      throw new Error(
        `pgbench against ${maskUrl(options.url)} failed (exit ${r.exitCode ?? r.signal}): ${String(r.stderr).trim()}. ` +
          'Check that the node is up and the SQL runs in psql.',
      );
    }
    const summary = parsePgbenchSummary(String(r.stdout));
    const latencies: number[] = [];
    for (const file of await fs.readdir(dir)) {
      if (file.startsWith('txlog')) latencies.push(...parsePgbenchLog(await fs.readFile(path.join(dir, file), 'utf8')));
    }
    const stats = latencies.length > 0 ? summarize(latencies) : null;
    const result: PgbenchResult = {
      status: 'ok',
      tool: 'pgbench',
      target: maskUrl(options.url),
      pgbench: found.path,
      version: found.version,
      argv: argv.map((a) => (a === script ? 'script.sql' : a.startsWith('--log-prefix=') ? '--log-prefix=txlog' : a)),
      clients: options.clients,
      transactions: summary.transactions,
      failed: summary.failed,
      // pgbench's own measured time is not printed; tps × transactions gives it without connection set-up.
      durationMs: summary.tps > 0 ? (summary.transactions / summary.tps) * 1000 : durationMs,
      opsPerSec: summary.tps,
      meanMs: summary.latencyAvgMs,
      p50Ms: stats?.p50Ms ?? null,
      p95Ms: stats?.p95Ms ?? null,
      p99Ms: stats?.p99Ms ?? null,
    };
    return { result, latenciesMs: latencies };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
