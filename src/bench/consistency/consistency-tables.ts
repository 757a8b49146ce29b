// The tables beside the main one: what read-your-writes costs in routing queries, how it compares with primary
// and eventual reads, the sessions' later reads and what monotonic reads cost, and how reads fared during the
// fault. The cells are text, targets judged beside their
// figure (met / NOT met), so the printed summary and the report's sections show the same thing.
import { MAX_PRIMARY_ROUND_TRIPS_PER_RYW_READ, MAX_RYW_VS_EVENTUAL_P50 } from './bench-targets';
import type { ModeResult } from './mode-result';
import type { ReadFailure } from './run-pairs';
import { monotonicCost } from './monotonic-cost';
import { scenarioRatios } from './scenario-ratios';

/** A table with text cells; it is also a report section as it is. */
export interface ConsistencyTable {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
const times = (x: number | null) => (x === null ? '—' : `${x.toFixed(2)}×`);
const ms = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(2));
const seconds = (x: number | null) => (x === null ? '—' : (x / 1000).toFixed(1));
/** Cost targets are not judged in the fault scenario: it measures failure, not cost. */
const judged = (r: ModeResult) => r.scenario !== 'fault';

export function routingCostTable(modes: readonly ModeResult[]): ConsistencyTable {
  return {
    id: 'routing-cost',
    title: 'Routing queries per read (rw.stats() over each mode’s run)',
    description:
      'Primary round trips: the primary-position queries read-your-writes made (shared by concurrent reads, ' +
      'reused after a write that returned; the health checks’ own position queries included), per read and per ' +
      `read that followed a write (target ≤ ${MAX_PRIMARY_ROUND_TRIPS_PER_RYW_READ} for read-your-writes at ` +
      'concurrency 16). Replay queries: replica replay-position queries (caught-up checks), per read.',
    columns: [
      'scenario',
      'mode',
      'reads',
      'reads after a write',
      'primary position queries',
      'primary round trips / read',
      'primary round trips / read after a write',
      'replay queries',
      'replay queries / read',
    ],
    rows: modes.flatMap((r) => {
      const c = r.routingCost;
      if (!c) return [];
      const perRyw = c.primaryRoundTripsPerRywRead;
      const target =
        r.mode === 'read-your-writes' && judged(r) && perRyw !== null
          ? ` (${verdict(perRyw <= MAX_PRIMARY_ROUND_TRIPS_PER_RYW_READ)})`
          : '';
      return [
        [
          r.scenario,
          r.mode,
          String(r.pairs + r.laterReads),
          String(c.positionRequests),
          String(c.positionQueries),
          c.primaryRoundTripsPerRead.toFixed(3),
          perRyw === null ? '—' : `${perRyw.toFixed(3)}${target}`,
          String(c.replayQueries),
          c.replayQueriesPerRead.toFixed(3),
        ],
      ];
    }),
  };
}

export function ratiosTable(modes: readonly ModeResult[]): ConsistencyTable {
  return {
    id: 'mode-ratios',
    title: 'read-your-writes against primary and eventual reads',
    description:
      'Above 1 for pairs/s: read-your-writes is faster than reading on the primary (target ≥ 1). Read p50 ratios: ' +
      `its read against theirs (target ≤ ${MAX_RYW_VS_EVENTUAL_P50} against eventual). Judged outside the fault ` +
      'scenario only.',
    columns: [
      'scenario',
      'read-your-writes ÷ primary pairs/s',
      'read-your-writes ÷ primary read p50',
      'read-your-writes ÷ eventual read p50',
    ],
    rows: scenarioRatios(modes).map((x) => {
      const judge = x.scenario !== 'fault';
      const mark = (value: number | null, met: (v: number) => boolean) =>
        value === null || !judge ? times(value) : `${times(value)} (${verdict(met(value))})`;
      return [
        x.scenario,
        mark(x.rywVsPrimaryPairsPerSec, (v) => v >= 1),
        times(x.rywVsPrimaryReadP50),
        mark(x.rywVsEventualReadP50, (v) => v <= MAX_RYW_VS_EVENTUAL_P50),
      ];
    }),
  };
}

/** Each mode's sessions: reads per session, non-monotonic ones (judged with monotonic reads on), later reads. */
export function sessionsTable(modes: readonly ModeResult[]): ConsistencyTable {
  return {
    id: 'sessions',
    title: 'Monotonic reads: each session reads its row again after the read-back',
    description:
      'A session is non-monotonic when a read returned the row and a later read of the same session returned null ' +
      '(target 0 in every mode but primary while the router has monotonicReads on; eventual-plain has it off). ' +
      'Later reads: the reads after the read-back; read p50 in the main table is the read-back’s.',
    columns: [
      'scenario',
      'mode',
      'monotonicReads',
      'sessions',
      'reads per session',
      'non-monotonic sessions',
      'later reads',
      'later read p50 ms',
      'later read p99 ms',
      'later reads failed',
    ],
    rows: modes.flatMap((r) => {
      if (r.sessionReads < 2) return [];
      const judge = r.monotonicReads && r.mode !== 'primary';
      return [
        [
          r.scenario,
          r.mode,
          r.monotonicReads ? 'on' : 'off',
          String(r.pairs),
          String(r.sessionReads),
          judge ? `${r.nonMonotonic} (${verdict(r.nonMonotonic === 0)})` : String(r.nonMonotonic),
          String(r.laterReads),
          ms(r.laterRead?.p50Ms),
          ms(r.laterRead?.p99Ms),
          String(r.laterReadsFailed),
        ],
      ];
    }),
  };
}

/** eventual (monotonic reads) against eventual-plain (none), per scenario that ran both. */
export function monotonicCostTable(modes: readonly ModeResult[]): ConsistencyTable {
  return {
    id: 'monotonic-cost',
    title: 'What monotonic reads cost: eventual (monotonicReads on) ÷ eventual-plain (off)',
    description:
      'The same eventual pairs on two routers, one after the other in the same scenario. Read p50 above 1: monotonic ' +
      'reads are slower; pairs/s below 1: fewer sessions per second.',
    columns: [
      'scenario',
      'non-monotonic: eventual',
      'non-monotonic: eventual-plain',
      'monotonic ÷ plain read p50',
      'monotonic ÷ plain later read p50',
      'monotonic ÷ plain pairs/s',
    ],
    rows: monotonicCost(modes).map((c) => [
      c.scenario,
      `${c.nonMonotonic} of ${c.pairs}`,
      `${c.nonMonotonicPlain} of ${c.pairsPlain}`,
      times(c.readP50),
      times(c.laterReadP50),
      times(c.pairsPerSec),
    ]),
  };
}

export function faultTable(modes: readonly ModeResult[]): ConsistencyTable {
  return {
    id: 'fault',
    title: 'Reads during the fault (one standby frozen, the other killed, then both restored)',
    description:
      'Times in s from the start of the run. Reads during the fault: those that overlapped [frozen, restored]. ' +
      'Bound: replicaReadTimeoutMs for the attempt on the frozen standby plus one retry under the same deadline.',
    columns: [
      'scenario',
      'mode',
      'frozen at s',
      'killed at s',
      'restored at s',
      'streaming at s',
      'reads during',
      'read p50 ms',
      'read p99 ms',
      'read max ms',
      'bound ms',
      'retried',
      'failed (during / in all)',
      'stale',
    ],
    rows: modes.flatMap((r) => {
      const f = r.fault;
      if (!f) return [];
      return [
        [
          r.scenario,
          r.mode,
          seconds(f.frozenAtMs),
          seconds(f.killedAtMs),
          seconds(f.restoredAtMs),
          seconds(f.streamingAtMs),
          String(f.reads),
          ms(f.read?.p50Ms),
          ms(f.read?.p99Ms),
          f.read ? `${ms(f.read.maxMs)} (${verdict(f.read.maxMs <= f.readBoundMs)})` : '—',
          String(f.readBoundMs),
          String(f.retried),
          `${f.failed} / ${r.failedReads} (${verdict(r.failedReads === 0)})`,
          String(f.stale),
        ],
      ];
    }),
  };
}

/** A read's attempts in words: `standby1 failed in 1001.2 ms, then primary answered in 3.1 ms`. */
function describeTries(tries: readonly { node: string; ok: boolean; durationMs: number }[]): string {
  const each = tries.map((t) => `${t.node} ${t.ok ? 'answered' : 'failed'} in ${t.durationMs.toFixed(1)} ms`);
  return each.join(', then ') || 'no routed query';
}

/** Where the slowest read of each fault run spent its time. */
export function slowestReadLines(modes: readonly ModeResult[]): string[] {
  return modes.flatMap((r) => {
    const s = r.fault?.slowest;
    if (!s) return [];
    return [
      `${r.scenario}/${r.mode} slowest read during the fault: ${s.readMs.toFixed(1)} ms, started ` +
        `${(s.afterFreezeMs / 1000).toFixed(2)} s after the freeze: ${describeTries(s.tries)}`,
    ];
  });
}

/** When a failed read started, against the fault's steps. */
function faultTime(r: ModeResult, e: ReadFailure): string {
  const f = r.fault;
  if (!f || f.frozenAtMs === null) return '';
  const since = (at: number | null, what: string) => {
    if (at === null) return '';
    const s = (e.atMs - at) / 1000;
    return s >= 0 ? `${s.toFixed(2)} s after the ${what}` : `${(-s).toFixed(2)} s before the ${what}`;
  };
  return `; started ${[since(f.frozenAtMs, 'freeze'), since(f.killedAtMs, 'kill')].filter(Boolean).join(', ')}`;
}

/** Failed reads printed one by one, at most this many (report.json has them all). */
export const MAX_ERROR_LINES = 50;

/** Every failed read's error with its code, its attempts and (in the fault scenario) when it started. */
export function errorLines(modes: readonly ModeResult[]): string[] {
  const all = modes.flatMap((r) =>
    r.errors.map(
      (e) =>
        `${r.scenario}/${r.mode}: ${e.code}: ${e.message}${e.cause ? ` (cause ${e.cause})` : ''}; ` +
        `${describeTries(e.tries)}${faultTime(r, e)}`,
    ),
  );
  const more = all.length - MAX_ERROR_LINES;
  return more > 0 ? [...all.slice(0, MAX_ERROR_LINES), `… and ${more} more (every one is in report.json)`] : all;
}

/** The tables that have rows. */
export function extraTables(modes: readonly ModeResult[]): ConsistencyTable[] {
  return [
    routingCostTable(modes),
    ratiosTable(modes),
    sessionsTable(modes),
    monotonicCostTable(modes),
    faultTable(modes),
  ].filter((t) => t.rows.length > 0);
}
