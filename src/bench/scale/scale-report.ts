// The result of the scale study (`npm run bench -- --scale`) as plain data: how the consistency check's time
// and commit-to-visible grow with rows, and how commit-to-visible lag grows with the write rate.
import type { BenchEnvironment } from '../common/bench-environment';
import type { LagSeries } from '../report/report-data';

export const SCALE_REPORT_VERSION = 1;

/** The consistency check (src/table-checksums compareTable) at one table size. Times in ms. */
export interface ConsistencyScalePoint {
  /** Size asked for (the table was topped up to at least this). */
  readonly requestedRows: number;
  /** Rows each node held when compared. */
  readonly rows: number;
  /** Time to top the table up to the size, in SQL (INSERT … generate_series), and for the standbys to replay it. */
  readonly seedMs: number;
  /** The whole check: bounds, chunk checksums on every node in parallel, comparison. */
  readonly checkMs: number;
  /** The slowest node's checksum time. */
  readonly slowestNodeMs: number;
  readonly chunks: number;
  /** Every standby equalled the primary. */
  readonly equal: boolean;
  /** Commit-to-visible on standby1 at this size, with no other load: paced probes for about a second. */
  readonly commitToVisible: {
    readonly samples: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
  };
}

/** Commit-to-visible on standby1 while a paced background writer runs at one rate. Times in ms. */
export interface WriteRatePoint {
  /** Writes per second asked of the background writer. */
  readonly targetRate: number;
  /** Writes per second it achieved (fewer when the machine cannot keep up). */
  readonly achievedRate: number;
  readonly writes: number;
  readonly seconds: number;
  /** Commit-to-visible samples taken during the load (paced probes, one at a time). */
  readonly samples: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly maxMs: number;
  /** Highest replay lag seen on any standby during the load (pg_stat_replication, sampled every 100 ms). */
  readonly maxLagBytes: number | null;
  readonly maxLagMs: number | null;
}

export interface ScaleOptionsUsed {
  readonly rows: readonly number[];
  readonly rates: readonly number[];
  readonly rateSeconds: number;
  readonly probeIntervalMs: number;
  readonly writerConnections: number;
  readonly keep: boolean;
}

export interface ScaleReport {
  readonly version: typeof SCALE_REPORT_VERSION;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly options: ScaleOptionsUsed;
  readonly environment: BenchEnvironment;
  readonly consistency: readonly ConsistencyScalePoint[];
  readonly writeRate: readonly WriteRatePoint[];
  /** Each standby's replay lag during the write-rate series (tMs from its start; a gap between rates). */
  readonly lagSeries: readonly LagSeries[];
  /** Rows the study added and then deleted (0 with --keep), and the table's size at the end. */
  readonly cleanup: { readonly deletedRows: number; readonly finalRows: number };
}
