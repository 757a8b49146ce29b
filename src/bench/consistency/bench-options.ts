// Options of `npm run bench:consistency`, their defaults, and the checks that turn them into one resolved set.
import { FAULT_DEFAULTS, type FaultSpec } from './fault-spec';
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
  sampleEveryMs: 250,
  baselineSeconds: 2,
  baselineOps: 5000,
});

function wholeNumber(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be a whole number ≥ ${min}, got ${value}.`);
  }
  return value;
}

function resolveFault(options: ConsistencyBenchOptions): FaultSpec {
  const at = (name: 'freezeAtMs' | 'killAtMs' | 'restoreAtMs') =>
    wholeNumber(name, options[name] ?? FAULT_DEFAULTS[name], 0);
  const [freezeAtMs, killAtMs, restoreAtMs] = [at('freezeAtMs'), at('killAtMs'), at('restoreAtMs')];
  if (freezeAtMs >= restoreAtMs || killAtMs >= restoreAtMs) {
    throw new RangeError(
      `freezeAtMs (${freezeAtMs}) and killAtMs (${killAtMs}) must come before restoreAtMs (${restoreAtMs}).`,
    );
  }
  return {
    kind: 'fault',
    freezeAtMs,
    killAtMs,
    restoreAtMs,
    replicaReadTimeoutMs: wholeNumber(
      'replicaReadTimeoutMs',
      options.replicaReadTimeoutMs ?? FAULT_DEFAULTS.replicaReadTimeoutMs,
      1,
    ),
    checkTimeoutMs: wholeNumber('faultCheckTimeoutMs', options.faultCheckTimeoutMs ?? FAULT_DEFAULTS.checkTimeoutMs, 1),
    connectTimeoutMs:
      options.faultConnectTimeoutMs === undefined
        ? null
        : wholeNumber('faultConnectTimeoutMs', options.faultConnectTimeoutMs, 1),
  };
}

/** Fills in defaults and checks every value; throws a RangeError naming the option. */
export function resolveOptions(options: ConsistencyBenchOptions): ResolvedOptions {
  const inject = options.inject ?? true;
  const pairs = wholeNumber('pairs', options.pairs ?? DEFAULTS.pairs, 1);
  const concurrency = wholeNumber('concurrency', options.concurrency ?? DEFAULTS.concurrency, 1);
  const pauseMs = wholeNumber('pauseMs', options.pauseMs ?? DEFAULTS.pauseMs, 1);
  const periodMs = wholeNumber('periodMs', options.periodMs ?? DEFAULTS.periodMs, 2);
  if (pauseMs >= periodMs) throw new RangeError(`pauseMs (${pauseMs}) must be shorter than periodMs (${periodMs}).`);
  const delayMs = wholeNumber('delayMs', options.delayMs ?? DEFAULTS.delayMs, 1);
  const kinds = options.scenarios ?? (inject ? ['none', 'pause'] : ['none']);
  if (kinds.length === 0) throw new RangeError(`Name at least one scenario (${LAG_KINDS.join(', ')}).`);
  if (!inject && kinds.some((k) => k !== 'none')) {
    throw new RangeError(
      `Scenario ${kinds.find((k) => k !== 'none')} injects lag or a fault, which --no-inject rules out.`,
    );
  }
  const fault = resolveFault(options);
  const modes = options.modes ?? DEFAULT_MODES;
  if (modes.length === 0) throw new RangeError('Name at least one mode.');
  for (const m of modes) if (!BENCH_MODES.includes(m)) throw new RangeError(`Unknown mode "${m}".`);
  const scenarios = kinds.map((kind): LagSpec => {
    if (kind === 'pause') return { kind, pauseMs, periodMs };
    if (kind === 'delay') return { kind, delayMs };
    if (kind === 'none') return { kind };
    if (kind === 'fault') return fault;
    if (kind === 'split') return { kind };
    throw new RangeError(`Unknown scenario "${String(kind)}" (expected ${LAG_KINDS.join(', ')}).`);
  });
  return Object.freeze({
    pairs,
    concurrency,
    modes: Object.freeze([...modes]),
    scenarios: Object.freeze(scenarios),
    writeRate: wholeNumber('writeRate', options.writeRate ?? DEFAULTS.writeRate, 0),
    sessionReads: wholeNumber('sessionReads', options.sessionReads ?? DEFAULTS.sessionReads, 1),
    sampleEveryMs: wholeNumber('sampleEveryMs', options.sampleEveryMs ?? DEFAULTS.sampleEveryMs, 10),
    inject,
    poolSize: wholeNumber('poolSize', options.poolSize ?? Math.max(10, concurrency + 2), 1),
    baselineSeconds: wholeNumber('baselineSeconds', options.baselineSeconds ?? DEFAULTS.baselineSeconds, 0),
    baselineOps: wholeNumber('baselineOps', options.baselineOps ?? DEFAULTS.baselineOps, 0),
    pgbench: options.pgbench ?? null,
    keep: options.keep ?? false,
  });
}
