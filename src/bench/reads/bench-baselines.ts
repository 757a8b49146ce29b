// The baselines of a bench run: pgbench on the same SQL at the same concurrency (when installed), reads over every
// standby, and the raw-pg paths of the rounds restated as raw-pg baselines.
import type { RawPgResult } from '../baseline/baseline-result';
import { pgbenchOrFailure, runPgbench } from '../baseline/run-pgbench';
import { runPgbenchSpread } from '../baseline/run-pgbench-spread';
import { maskUrl, type Config } from '../../config';
import { LATEST_ROWS_SQL, PGBENCH_WRITE_SQL } from './bench-paths';
import type { BenchBaselines, BenchPathResult } from './bench-report';

export interface PgbenchBaselineOptions {
  /** Concurrent clients: the paths' concurrency. */
  readonly clients: number;
  /** Seconds per run (read, then write). */
  readonly seconds: number;
  /** The pgbench executable; default: found on PATH or in /usr/lib/postgresql. */
  readonly pgbench?: string;
  /** The read workload's pgbench script. Default LATEST_ROWS_SQL (the bench's read paths). */
  readonly readSql?: string;
  /** The write workload's pgbench script. Default PGBENCH_WRITE_SQL (the bench's write paths). */
  readonly writeSql?: string;
  /** Script variables (`-D`) for both scripts, e.g. the id range a read-by-id script draws from. */
  readonly variables?: Readonly<Record<string, number>>;
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

/**
 * pgbench with the read SQL on every standby (the clients split over them, all at the same time, as the read
 * paths spread their reads) and the write SQL on the primary, `clients` clients in all for each. A missing
 * pgbench comes back as `unavailable` (kind `not-installed`) with how to install it, a failing one as
 * `unavailable` (kind `failed`) with its error; neither fails the bench.
 */
export async function runPgbenchBaselines(config: Config, options: PgbenchBaselineOptions): Promise<BenchBaselines> {
  if (config.replicaUrls.length === 0) throw new Error('No standby configured: set REPLICA_URLS.');
  const common = {
    clients: options.clients,
    seconds: options.seconds,
    ...(options.pgbench ? { pgbench: options.pgbench } : {}),
    ...(options.variables ? { variables: options.variables } : {}),
  };
  const readSql = options.readSql ?? LATEST_ROWS_SQL;
  const writeSql = options.writeSql ?? PGBENCH_WRITE_SQL;
  const read = await ticking(options.seconds, options.onTick, () =>
    pgbenchOrFailure(() => runPgbenchSpread({ ...common, urls: config.replicaUrls, sql: readSql })),
  );
  // Without pgbench the write run would only repeat the same reason: skip it (and its wait).
  const write =
    read.status === 'unavailable' && read.kind === 'not-installed'
      ? read
      : await ticking(options.seconds, options.onTick, () =>
          pgbenchOrFailure(() => runPgbench({ ...common, url: config.primaryUrl, sql: writeSql })),
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
