// The result of `npm run bench` as plain data: JSON-serialisable, so it can be printed as a table here and
// rendered to report.json / report.html elsewhere. Measuring and printing stay separate.
import type { LatencySummary } from './percentiles';

/** Bumped when a field changes meaning, so renderers can refuse a report they do not understand. */
export const BENCH_REPORT_VERSION = 1;

/** Where a path's operations run. */
export type BenchTarget = 'primary' | 'standby' | 'primary→standby';

/** One measured path, e.g. Prisma reads routed to the standbys. All times in ms. */
export interface BenchPathResult extends LatencySummary {
  /** Stable identifier, e.g. `prisma-read`. */
  readonly name: string;
  /** One line for humans, e.g. `findMany 10 rows ORDER BY created_at DESC via the replicated client`. */
  readonly description: string;
  readonly target: BenchTarget;
  /** Parallel workers used for this path. */
  readonly concurrency: number;
  /** Completed operations per second of wall-clock time over the measured run (warm-up excluded). */
  readonly opsPerSec: number;
  /** Wall-clock duration of the measured run. */
  readonly wallMs: number;
}

/** A path that could not run here, and why (e.g. no psql for the fallback). */
export interface BenchSkipped {
  readonly name: string;
  readonly reason: string;
}

/** `numerator` p50 divided by `denominator` p50, e.g. how much slower Prisma reads are than raw pg reads. */
export interface BenchRatio {
  readonly name: string;
  readonly numerator: string;
  readonly denominator: string;
  readonly p50Ratio: number;
}

export interface BenchEnvironment {
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpus: number;
  readonly cpuModel: string;
  /** server_version of the primary. */
  readonly postgres: string;
  /** The primary's URL, password masked. */
  readonly primary: string;
  readonly replicas: number;
  /** Rows in test_replication when the measurement started. */
  readonly tableRows: number;
  /** True for the project's own local cluster (all nodes on this machine). */
  readonly localCluster: boolean;
}

export interface BenchOptionsUsed {
  readonly iterations: number;
  readonly concurrency: number;
  readonly warmup: number;
  /** Rows in test_replication when measuring (topped up to this before the run). */
  readonly rows: number;
  /** Iterations of the (slow) fallback-write path, which spawns a process per write. */
  readonly fallbackIterations: number;
}

export interface BenchReport {
  readonly version: typeof BENCH_REPORT_VERSION;
  /** ISO timestamps. */
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly options: BenchOptionsUsed;
  readonly environment: BenchEnvironment;
  readonly paths: readonly BenchPathResult[];
  readonly skipped: readonly BenchSkipped[];
  readonly ratios: readonly BenchRatio[];
}
