// The baselines of a bench run: pgbench on the same SQL at the same concurrency (when installed), and the raw-pg
// paths of the rounds restated as raw-pg baselines.
import type { PgbenchOutcome, RawPgResult } from '../baseline/baseline-result';
import { runPgbench } from '../baseline/run-pgbench';
import { maskUrl, type Config } from '../config';
import { LATEST_ROWS_SQL, PGBENCH_WRITE_SQL } from './bench-paths';
import type { BenchBaselines, BenchPathResult } from './bench-report';

export interface PgbenchBaselineOptions {
  /** Concurrent clients: the paths' concurrency. */
  readonly clients: number;
  /** Seconds per run (read, then write). */
  readonly seconds: number;
  /** The pgbench executable; default: found on PATH or in /usr/lib/postgresql. */
  readonly pgbench?: string;
  /** Called every ~100 ms while a run lasts with the ms since it started, and once with `seconds × 1000` at its end. */
  readonly onTick?: (elapsedMs: number) => void;
}

async function ticking<T>(seconds: number, onTick: ((ms: number) => void) | undefined, run: () => Promise<T>) {
  const started = Date.now();
  const timer = onTick ? setInterval(() => onTick(Math.min(Date.now() - started, seconds * 1000)), 100) : null;
  try {
    return await run();
  } finally {
    if (timer) clearInterval(timer);
    onTick?.(seconds * 1000);
  }
}

/** pgbench failing where it is installed is reported like a missing one, with its error: the bench goes on. */
async function pgbenchOrReason(run: () => Promise<PgbenchOutcome>): Promise<PgbenchOutcome> {
  try {
    return await run();
  } catch (err) {
    const reason = `pgbench failed: ${err instanceof Error ? err.message : String(err)}`;
    return { status: 'unavailable', tool: 'pgbench', reason: maskUrl(reason) };
  }
}

/**
 * pgbench with the read SQL on standby1 and the write SQL on the primary, `clients` clients each. A missing
 * pgbench comes back as `unavailable` with the reason and how to install it; it never fails the bench.
 */
export async function runPgbenchBaselines(config: Config, options: PgbenchBaselineOptions): Promise<BenchBaselines> {
  const standby = config.replicaUrls[0];
  if (standby === undefined) throw new Error('No standby configured: set REPLICA_URLS.');
  const common = {
    clients: options.clients,
    seconds: options.seconds,
    ...(options.pgbench ? { pgbench: options.pgbench } : {}),
  };
  const read = await ticking(options.seconds, options.onTick, () =>
    pgbenchOrReason(() => runPgbench({ ...common, url: standby, sql: LATEST_ROWS_SQL })),
  );
  // Without pgbench the write run would only repeat the same reason: skip it (and its wait).
  const write =
    read.status === 'unavailable' && !read.reason.startsWith('pgbench failed')
      ? read
      : await ticking(options.seconds, options.onTick, () =>
          pgbenchOrReason(() => runPgbench({ ...common, url: config.primaryUrl, sql: PGBENCH_WRITE_SQL })),
        );
  return { read, write };
}

/** A raw-pg path of the rounds as a raw-pg baseline (same figures), so every path gets a ratio to it. */
export function rawPgBaseline(path: BenchPathResult, target: string): RawPgResult {
  return {
    status: 'ok',
    tool: 'raw-pg',
    target: maskUrl(target),
    clients: path.concurrency,
    transactions: path.samples,
    durationMs: path.wallMs,
    opsPerSec: path.opsPerSec,
    meanMs: path.meanMs,
    p50Ms: path.p50Ms,
    p95Ms: path.p95Ms,
    p99Ms: path.p99Ms,
  };
}
