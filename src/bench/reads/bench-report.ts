// The result of `npm run bench` as plain data: JSON-serialisable, so it can be printed as a table here and
// rendered to report.json / report.html elsewhere. Measuring and printing stay separate.
import type { MemoryFootprint } from './memory-footprint';
import type { OpenLoopMeasurement } from './open-loop';
import type { PgbenchBaselines } from '../baseline/run-pgbench-baselines';
import type { HistogramBucket, LagSeries, NodeReads } from '../report/report-data';
import type { BenchEnvironment } from '../common/bench-environment';
import type { LatencySummary } from '../common/percentiles';

/** Bumped when a field changes meaning, so renderers can refuse a report they do not understand. */
export const BENCH_REPORT_VERSION = 3;

/** Where a path's operations run. */
export type BenchTarget = 'primary' | 'standby' | 'primary→standby';

/** Which SQL a path runs, so it can be set against the pgbench and raw-pg baselines of the same SQL. */
export type BenchWorkload = 'read' | 'write';

/** One measured path, e.g. reads through the router. All times in ms. */
export interface BenchPathResult extends LatencySummary {
  /** Stable identifier, e.g. `router-read`. */
  readonly name: string;
  /** One line for humans, e.g. `findMany 10 rows ORDER BY created_at DESC through the router`. */
  readonly description: string;
  readonly target: BenchTarget;
  /** The baseline workload it compares with; absent for paths without one (commit-to-visible). */
  readonly workload?: BenchWorkload;
  /** Parallel workers used for this path. */
  readonly concurrency: number;
  /** Completed operations per second of the path's own measured time (warm-up excluded). */
  readonly opsPerSec: number;
  /** Measured time of the path (the sum of its slices when measured in rounds). */
  readonly wallMs: number;
  /** Rounds the path was measured in, alternating with the other paths (1 = one block). */
  readonly rounds: number;
  /** Latency histogram (log-spaced buckets). */
  readonly histogram: readonly HistogramBucket[];
}

/**
 * One path at one offered rate, open-loop (wrk2 style): requests started on a fixed schedule whatever the
 * responses, latency from each request's intended start (queueing included). Latencies null when none finished.
 */
export interface OpenLoopResult extends Omit<OpenLoopMeasurement, 'wallMs' | 'latency'> {
  readonly path: string;
  /** Length of the schedule, in s. */
  readonly seconds: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly p999Ms: number | null;
  readonly meanMs: number | null;
  readonly maxMs: number | null;
}

/** A path that could not run here, and why (e.g. no psql for the fallback). */
export interface BenchSkipped {
  readonly name: string;
  readonly reason: string;
}

/** `numerator` ÷ `denominator`, e.g. how much slower reads through the router are than the bare extension. */
export interface BenchRatio {
  readonly name: string;
  readonly numerator: string;
  readonly denominator: string;
  /** Median latency ratio (> 1: the numerator is slower). */
  readonly p50Ratio: number;
  readonly meanRatio: number;
  /** Throughput ratio (< 1: the numerator is slower). */
  readonly opsRatio: number;
  /** The most p50Ratio may be, when the project sets a target for it. */
  readonly targetP50Ratio?: number;
}

export interface BenchOptionsUsed {
  /** Measured calls per path, over all rounds. */
  readonly iterations: number;
  /** Rounds the interleaved paths alternate in. */
  readonly rounds: number;
  readonly concurrency: number;
  readonly warmup: number;
  /** Rows in test_replication when measuring (topped up to this before the run). */
  readonly rows: number;
  /** Iterations of the (slow) fallback-write path, which spawns a process per write. */
  readonly fallbackIterations: number;
  readonly commitToVisibleSamples: number;
  /** Offered rates (requests/s) of the open-loop runs, each path at each. */
  readonly rates: readonly number[];
  /** Seconds of each open-loop run's schedule; 0 = no open-loop runs. */
  readonly openLoopSeconds: number;
  /** Seconds of each pgbench baseline run; 0 = pgbench not run. */
  readonly baselineSeconds: number;
  /** How often replica lag was sampled, in ms. */
  readonly lagIntervalMs: number;
  /** The rows the bench wrote were kept (not deleted at the end). */
  readonly keep: boolean;
  /** Processes per client kind in the memory study; 0 = not run. */
  readonly memorySamples: number;
}

/** pgbench on the same SQL as the read and write paths, or why it did not run. */
export type BenchBaselines = PgbenchBaselines;

/** Reads the router served per node during the run, counted from its `query` events. */
export interface BenchReads {
  /** One entry per node that served reads, labelled `standby1 (127.0.0.1:15433)`. */
  readonly perNode: readonly NodeReads[];
  /** Router reads the bench issued (warm-up included): equal to the sum of perNode when every read succeeded. */
  readonly issued: number;
}

export interface BenchReport {
  readonly version: typeof BENCH_REPORT_VERSION;
  /** ISO timestamps. */
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly options: BenchOptionsUsed;
  readonly environment: BenchEnvironment;
  /** Closed-loop: `concurrency` workers per path, each sending its next call when the previous returns. */
  readonly paths: readonly BenchPathResult[];
  /** Open-loop: each of extension-read, router-read and router-write at each offered rate. */
  readonly openLoop: readonly OpenLoopResult[];
  readonly skipped: readonly BenchSkipped[];
  readonly ratios: readonly BenchRatio[];
  /** pgbench runs; null when not requested (--baseline-seconds 0). */
  readonly pgbench: BenchBaselines | null;
  /** RSS of each client kind against a plain PrismaClient; null when not requested (--memory-samples 0). */
  readonly memory: MemoryFootprint | null;
  /** Each standby's replay lag, sampled during the run (tMs from the start of the measurements). */
  readonly lagSeries: readonly LagSeries[];
  readonly reads: BenchReads;
  /** Rows the bench wrote and deleted at the end (0 with keep). */
  readonly deletedRows: number;
}
