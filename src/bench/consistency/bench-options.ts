// Options of `npm run bench:consistency` given in code, and their defaults (resolveOptions checks them; the flags
// are consistency-flags.ts).
import type { LagKind, LagSpec } from './lag-injection';

/**
 * How each pair writes and reads:
 * - `eventual`: a write, then a read on any eligible replica;
 * - `read-your-writes`: both in a session scope, so the read waits for (or avoids) replicas behind the write;
 * - `remote_apply`: a write committed with synchronous_commit = remote_apply, then an eventual read;
 * - `primary`: both in a `primary` scope (the read goes to the primary);
 * - `eventual-plain`: `eventual` on a router with `monotonicReads: false` (what the guarantee costs, side by side).
 * Every mode but `eventual-plain` runs on routers with monotonic reads on (the library's default).
 */
export type BenchMode = 'eventual' | 'read-your-writes' | 'remote_apply' | 'primary' | 'eventual-plain';

/** Every mode, in the order they run. */
export const BENCH_MODES: readonly BenchMode[] = [
  'eventual',
  'read-your-writes',
  'remote_apply',
  'primary',
  'eventual-plain',
];
/** The modes that run when none are named: all but `eventual-plain` (name it to measure monotonic reads' cost). */
export const DEFAULT_MODES: readonly BenchMode[] = ['eventual', 'read-your-writes', 'remote_apply', 'primary'];
export const LAG_KINDS: readonly LagKind[] = ['none', 'pause', 'delay', 'fault', 'split'];

export interface ConsistencyBenchOptions {
  /** Write→read pairs per mode and scenario. Default 10,000. */
  readonly pairs?: number;
  /** Pairs in flight at once. Default 16. */
  readonly concurrency?: number;
  /** Modes to run, in this order. Default DEFAULT_MODES (all but `eventual-plain`). */
  readonly modes?: readonly BenchMode[];
  /** Scenarios (lag kinds) to run, in this order. Default `none` then `pause`. */
  readonly scenarios?: readonly LagKind[];
  /** Pause scenario: replay paused this long… Default 300 ms. */
  readonly pauseMs?: number;
  /** …of every period of this length. Default 1000 ms. */
  readonly periodMs?: number;
  /** Delay scenario: recovery_min_apply_delay in ms. Default 200. */
  readonly delayMs?: number;
  /**
   * Fault scenario, in ms from the start of each mode's run: the first standby frozen at… Default 1000. Each mode
   * runs at least `pairs` pairs and goes on until the fault is undone, so that every mode runs through all of it.
   */
  readonly freezeAtMs?: number;
  /** …the second standby killed at… Default 2000. */
  readonly killAtMs?: number;
  /** …both restored at. Default 5000. */
  readonly restoreAtMs?: number;
  /** Fault scenario: the router's replicaReadTimeoutMs. Default 1000. */
  readonly replicaReadTimeoutMs?: number;
  /** Fault scenario: the router's checkTimeoutMs (small, so that checks eject the frozen standby). Default 500. */
  readonly faultCheckTimeoutMs?: number;
  /** Fault scenario: the router's connectTimeoutMs. Default: the configured one (WRITER_CONNECT_TIMEOUT_MS). */
  readonly faultConnectTimeoutMs?: number;
  /** Background inserts per second on the primary during every scenario. Default 200 (0: none). */
  readonly writeRate?: number;
  /**
   * Reads of the row per pair's session: the read-back, then the same session reads it again until this many. A
   * session whose read returned the row and a later read did not is non-monotonic. Default 3 (1: the read-back only).
   */
  readonly sessionReads?: number;
  /** Pause between a session's reads of the row, in ms (its think time). Default 0: back to back. */
  readonly sessionReadGapMs?: number;
  /** Lag sample interval, in ms. Default 250. */
  readonly sampleEveryMs?: number;
  /** Inject lag (needs the local cluster's superuser). False runs only the `none` scenario. Default true. */
  readonly inject?: boolean;
  /** Router pool size per node. Default max(10, concurrency + 2). */
  readonly poolSize?: number;
  /** Seconds of each pgbench baseline run (read by id, insert); 0: no pgbench. Default 2. */
  readonly baselineSeconds?: number;
  /** Queries of each raw pg baseline run (read by id, insert); 0: no raw pg. Default 5,000. */
  readonly baselineOps?: number;
  /** The pgbench executable. Default: found on PATH or in /usr/lib/postgresql. */
  readonly pgbench?: string;
  /** Keep the rows the run wrote (pairs, background load, baselines). Default false: deleted at the end. */
  readonly keep?: boolean;
}

/** Every option with its value for this run (recorded in the report). */
export interface ResolvedOptions {
  readonly pairs: number;
  readonly concurrency: number;
  readonly modes: readonly BenchMode[];
  readonly scenarios: readonly LagSpec[];
  readonly writeRate: number;
  readonly sessionReads: number;
  readonly sessionReadGapMs: number;
  readonly sampleEveryMs: number;
  readonly inject: boolean;
  readonly poolSize: number;
  readonly baselineSeconds: number;
  readonly baselineOps: number;
  readonly pgbench: string | null;
  readonly keep: boolean;
}

export const DEFAULTS = Object.freeze({
  pairs: 10_000,
  /** `--large`. */
  largePairs: 100_000,
  concurrency: 16,
  pauseMs: 300,
  periodMs: 1000,
  delayMs: 200,
  writeRate: 200,
  sessionReads: 3,
  sessionReadGapMs: 0,
  sampleEveryMs: 250,
  baselineSeconds: 2,
  baselineOps: 5000,
});
