// The input of `writeReport`: plain, JSON-serialisable data. A benchmark maps its own result into this (e.g. the
// bench's BenchReport: its paths already carry name/samples/p50Ms/p95Ms/p99Ms/meanMs/opsPerSec). All times in ms.

/** One measured path, e.g. Prisma reads through the replicated client. */
export interface ReportPath {
  /** Short stable name, e.g. `prisma-read`. Shown on every chart. */
  readonly name: string;
  /** One line for humans, e.g. `findMany 10 rows via the replicated client`. Optional. */
  readonly description?: string;
  /**
   * Which SQL this path runs, as a key into the baselines, e.g. `read` or `write`: the path is given as a ratio
   * to the pgbench and raw-pg baselines of the same workload. Optional (no ratio without it).
   */
  readonly workload?: string;
  /** Measured operations. */
  readonly samples: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** p99.9, when the path recorded it (the bench's HDR histograms do). Optional: shown as — without. */
  readonly p999Ms?: number;
  readonly meanMs: number;
  /** Completed operations per second. */
  readonly opsPerSec: number;
  /** Optional latency histogram: operations whose latency was ≤ `upperMs` and > the previous bucket's bound. */
  readonly histogram?: readonly HistogramBucket[];
}

export interface HistogramBucket {
  readonly upperMs: number;
  readonly count: number;
}

/** One baseline run of one workload: the limit line a path is compared with. */
export interface ReportBaseline {
  readonly tool: 'pgbench' | 'raw-pg';
  /** Same key as `ReportPath.workload`, e.g. `read`. */
  readonly workload: string;
  /** Concurrent clients, the same as the paths it is compared with. */
  readonly clients: number;
  readonly opsPerSec: number;
  readonly meanMs: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly p99Ms: number | null;
  /** Where and how it ran, e.g. `standby1 (2 clients) + standby2 (2 clients), at the same time`. Optional. */
  readonly ranOn?: string;
}

/** Why there are no pgbench figures: not installed, installed but its run failed, or not run at all. */
export type PgbenchMissing = 'not-installed' | 'failed' | 'not-run';

export interface ReportBaselines {
  /**
   * pgbench's runs (and the workloads whose run failed), or why there are none: the report then says "pgbench not
   * installed", "pgbench failed" or "pgbench was not run", with the reason.
   */
  readonly pgbench:
    | {
        readonly available: true;
        readonly runs: readonly ReportBaseline[];
        /** Workloads whose pgbench run failed while others ran. Optional. */
        readonly failed?: readonly { readonly workload: string; readonly reason: string }[];
      }
    | { readonly available: false; readonly why: PgbenchMissing; readonly reason: string };
  /** Raw `pg` runs (always available: pg is a dependency). */
  readonly rawPg: readonly ReportBaseline[];
}

/** A replica's lag sampled during the run. `tMs` counts from the start of the run. */
export interface LagPoint {
  readonly tMs: number;
  /** Null while unknown (e.g. the node was down). */
  readonly lagBytes: number | null;
  readonly lagMs: number | null;
}

export interface LagSeries {
  readonly node: string;
  readonly points: readonly LagPoint[];
}

export interface NodeReads {
  readonly node: string;
  /** Reads the node served during the run. */
  readonly reads: number;
}

/** A value in a section's table: numbers are formatted like the figures, null shows as —. */
export type SectionValue = string | number | boolean | null;

/** One line of a section's chart; a null y breaks the line. */
export interface SectionSeries {
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number | null }[];
}

/**
 * An extra part of the report: a titled table, optionally drawn as a line chart (e.g. how a check's time grows
 * with rows). For results that fit none of the fixed parts; a benchmark adds as many as it needs.
 */
export interface ReportSection {
  /** Machine name, e.g. `consistency-scale`: the section's data-section and its chart's data-chart. */
  readonly id: string;
  readonly title: string;
  /** A sentence under the title. Optional. */
  readonly description?: string;
  /** Column heads, units included, e.g. `rows`, `check ms`. */
  readonly columns: readonly string[];
  /** One value per column. */
  readonly rows: readonly (readonly SectionValue[])[];
  /** A line chart of the same figures. Optional. */
  readonly chart?: {
    readonly xLabel: string;
    readonly yLabel: string;
    /** Log scale on x (e.g. rows from 10k to 1M). Default false. */
    readonly logX?: boolean;
    readonly series: readonly SectionSeries[];
  };
}

export interface ReportData {
  /** Heading of the page, e.g. `rwsplit bench`. */
  readonly title: string;
  /** ISO 8601 time the report was made. */
  readonly generatedAt: string;
  /** Free-form facts about the run, shown as a table: node version, CPUs, PostgreSQL version, rows, clients… */
  readonly environment: Readonly<Record<string, string | number | boolean>>;
  /** Heading of the paths' table, e.g. saying how they were measured. Default `Figures`. */
  readonly figuresTitle?: string;
  readonly paths: readonly ReportPath[];
  /** Null when no baselines were run at all. */
  readonly baselines: ReportBaselines | null;
  readonly lagSeries: readonly LagSeries[];
  readonly readsPerNode: readonly NodeReads[];
  /** Sentences shown under the figures, e.g. skipped paths and why. */
  readonly notes: readonly string[];
  /** Extra tables (and charts), shown after the charts, in order. Optional. */
  readonly sections?: readonly ReportSection[];
}
