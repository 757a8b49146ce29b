// What a baseline run measured: the same SQL as a benchmark path, through pgbench or through raw `pg`, so the
// report can give each path as a ratio to these limit lines.

/** Figures of one baseline run. Times in ms. */
export interface BaselineFigures {
  readonly tool: 'pgbench' | 'raw-pg';
  /** The node it ran against, password masked. */
  readonly target: string;
  /** Concurrent connections (pgbench -c; raw pg: pool size and workers). */
  readonly clients: number;
  /** Completed transactions (pgbench) or queries (raw pg) that were measured. */
  readonly transactions: number;
  /** Measured wall-clock time, in ms. */
  readonly durationMs: number;
  /** Transactions (queries) per second over the measured time. */
  readonly opsPerSec: number;
  /** Mean latency per transaction. pgbench: its own `latency average`. */
  readonly meanMs: number;
  /**
   * Latency percentiles (nearest rank). pgbench: from its per-transaction log (`--log`), whose microsecond
   * timings are coarse for sub-0.1 ms transactions; null when no log entries were found.
   */
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly p99Ms: number | null;
}

/** pgbench ran: its figures, plus what ran. */
export interface PgbenchResult extends BaselineFigures {
  readonly status: 'ok';
  readonly tool: 'pgbench';
  /** The pgbench executable used. */
  readonly pgbench: string;
  /** `pgbench --version`, e.g. `pgbench (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)`. */
  readonly version: string;
  /** The arguments pgbench got (never the password: that goes through PGPASSWORD). */
  readonly argv: readonly string[];
  /** Transactions pgbench reports as failed (0 unless the SQL fails sometimes). */
  readonly failed: number;
  /**
   * When the clients were split over several nodes (one pgbench per node, all at the same time): each node's
   * share. The figures above are then the sum (ops/s, transactions) or the whole (latencies) of these runs.
   */
  readonly parts?: readonly PgbenchPart[];
}

/** One node's pgbench run within a run split over several nodes. */
export interface PgbenchPart {
  /** The node, password masked. */
  readonly target: string;
  readonly clients: number;
  readonly transactions: number;
  readonly opsPerSec: number;
}

/**
 * No pgbench figures: pgbench is not installed (or not where it was said to be), or it is installed and its run
 * failed. The baseline is skipped, never an error of the benchmark.
 */
export interface BaselineUnavailable {
  readonly status: 'unavailable';
  readonly tool: 'pgbench';
  /** `not-installed`: no pgbench found. `failed`: pgbench ran and failed (the reason quotes its error). */
  readonly kind: 'not-installed' | 'failed';
  /** Why, and what to do, e.g. "pgbench not installed: apt-get install postgresql-client". */
  readonly reason: string;
}

export type PgbenchOutcome = PgbenchResult | BaselineUnavailable;

/** Raw `pg` ran. */
export interface RawPgResult extends BaselineFigures {
  readonly status: 'ok';
  readonly tool: 'raw-pg';
}
