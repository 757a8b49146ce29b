// The pgbench baselines of a bench run: a bench's read SQL on every standby (the clients split over them, all at the
// same time) and its write SQL on the primary, at the bench's concurrency.
import type { PgbenchOutcome } from './baseline-result';
import { pgbenchOrFailure, runPgbench } from './run-pgbench';
import { runPgbenchSpread } from './run-pgbench-spread';
import type { Config } from '../../config';

/** pgbench on the same SQL as a bench's read and write paths, or why it did not run. */
export interface PgbenchBaselines {
  readonly read: PgbenchOutcome;
  readonly write: PgbenchOutcome;
}

export interface PgbenchBaselineOptions {
  /** Concurrent clients: the paths' concurrency. */
  readonly clients: number;
  /** Seconds per run (read, then write). */
  readonly seconds: number;
  /** The pgbench executable; default: found on PATH or in /usr/lib/postgresql. */
  readonly pgbench?: string;
  /** The read workload's pgbench script, run on every standby. */
  readonly readSql: string;
  /** The write workload's pgbench script, run on the primary. */
  readonly writeSql: string;
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
export async function runPgbenchBaselines(config: Config, options: PgbenchBaselineOptions): Promise<PgbenchBaselines> {
  if (config.replicaUrls.length === 0) throw new Error('No standby configured: set REPLICA_URLS.');
  const common = {
    clients: options.clients,
    seconds: options.seconds,
    ...(options.pgbench ? { pgbench: options.pgbench } : {}),
    ...(options.variables ? { variables: options.variables } : {}),
  };
  const { readSql, writeSql } = options;
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
