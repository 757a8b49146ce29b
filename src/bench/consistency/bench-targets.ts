// The issues' targets, checked against the results: 0 stale reads for read-your-writes and remote_apply, ≥ 90%
// of reads on replicas while the lag stays under the router's threshold, no failed read; read-your-writes that
// pays for itself (read p50 within 1.3× of eventual reads', at least the primary mode's pairs/s, ≤ 0.3 primary
// round trips per read); with a standby frozen, no read waiting past its deadline plus one retry; and with monotonic
// reads on, no session whose later read missed a row an earlier read had returned.
import type { BenchMode } from './bench-options';
import { faultReadBoundMs } from './fault-spec';
import type { LagSpec } from './lag-injection';
import { injectedLagMs } from './lag-injection';
import type { ModeResult } from './mode-result';

/** Share of reads that must reach replicas while lag is under the threshold. */
export const MIN_REPLICA_SHARE = 0.9;
/** read-your-writes read p50 ÷ eventual read p50 may be at most this. */
export const MAX_RYW_VS_EVENTUAL_P50 = 1.3;
/** Primary round trips per read-your-writes read may be at most this… */
export const MAX_PRIMARY_ROUND_TRIPS_PER_RYW_READ = 0.3;
/** …at this concurrency (fewer pairs in flight share fewer positions). */
export const ROUND_TRIPS_CONCURRENCY = 16;

export interface TargetCheck {
  /** e.g. `pause/read-your-writes: 0 stale reads`. */
  readonly name: string;
  readonly met: boolean;
  /** What was measured, e.g. `0 of 10000`. */
  readonly measured: string;
}

const ZERO_STALE: ReadonlySet<BenchMode> = new Set(['read-your-writes', 'remote_apply']);

/**
 * The modes whose reads may go to any eligible replica: while the lag stays under the threshold, the router must
 * keep those reads on replicas. read-your-writes is not judged here: by design it sends a read to the primary
 * when no replica has replayed the scope's write yet at the moment of the read (readYourWritesWaitMs, default 0,
 * is how long it may wait for one), so its share measures that wait, not the lag threshold. It is reported.
 */
const REPLICA_SHARE: ReadonlySet<BenchMode> = new Set(['eventual', 'remote_apply', 'eventual-plain']);

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const ms = (x: number) => `${x.toFixed(2)} ms`;
const times = (x: number) => `${x.toFixed(2)}×`;

/**
 * Monotonic reads: 0 non-monotonic sessions in every mode but `primary` (whose reads all go to the primary) while
 * the router has monotonicReads on. Judged when sessions read more than once.
 */
function monotonicCheck(r: ModeResult): TargetCheck[] {
  if (!r.monotonicReads || r.mode === 'primary' || r.sessionReads < 2) return [];
  return [
    {
      name: `${r.scenario}/${r.mode}: 0 non-monotonic sessions`,
      met: r.nonMonotonic === 0,
      measured: `${r.nonMonotonic} of ${r.pairs} (${r.sessionReads} reads each)`,
    },
  ];
}

/** The fault scenario's checks of one mode: no read waited past the bound, none failed. */
function faultChecks(r: ModeResult): TargetCheck[] {
  const f = r.fault;
  if (!f) return [];
  const label = `${r.scenario}/${r.mode}`;
  return [
    {
      name: `${label}: no read waited longer than replicaReadTimeoutMs + one retry (${faultReadBoundMs(f)} ms)`,
      met: f.read === null || f.read.maxMs <= f.readBoundMs,
      measured: f.read
        ? `max ${ms(f.read.maxMs)}, p99 ${ms(f.read.p99Ms)} over the ${f.reads} reads during the fault`
        : 'no read overlapped the fault',
    },
  ];
}

/** read-your-writes against eventual and primary reads in one scenario (not the fault's: it measures failure). */
function costChecks(results: readonly ModeResult[], scenario: string, concurrency: number): TargetCheck[] {
  const of = (mode: BenchMode) => results.find((r) => r.scenario === scenario && r.mode === mode);
  const ryw = of('read-your-writes');
  if (!ryw || scenario === 'fault') return [];
  const checks: TargetCheck[] = [];
  const eventual = of('eventual');
  if (eventual) {
    const x = ryw.read.p50Ms / eventual.read.p50Ms;
    checks.push({
      name: `${scenario}: read-your-writes read p50 ≤ ${MAX_RYW_VS_EVENTUAL_P50}× eventual read p50`,
      met: x <= MAX_RYW_VS_EVENTUAL_P50,
      measured: `${times(x)} (${ms(ryw.read.p50Ms)} vs ${ms(eventual.read.p50Ms)})`,
    });
  }
  const primary = of('primary');
  if (primary) {
    checks.push({
      name: `${scenario}: read-your-writes pairs/s ≥ primary-mode pairs/s`,
      met: ryw.pairsPerSec >= primary.pairsPerSec,
      measured: `${times(ryw.pairsPerSec / primary.pairsPerSec)} (${ryw.pairsPerSec.toFixed(0)} vs ${primary.pairsPerSec.toFixed(0)})`,
    });
  }
  const cost = ryw.routingCost;
  if (cost) {
    const perRead = cost.primaryRoundTripsPerRywRead ?? cost.primaryRoundTripsPerRead;
    const at =
      concurrency === ROUND_TRIPS_CONCURRENCY
        ? `at concurrency ${concurrency}`
        : `set for concurrency ${ROUND_TRIPS_CONCURRENCY}, ran at ${concurrency}`;
    checks.push({
      name: `${scenario}/read-your-writes: primary round trips per read ≤ ${MAX_PRIMARY_ROUND_TRIPS_PER_RYW_READ} (${at})`,
      met: perRead <= MAX_PRIMARY_ROUND_TRIPS_PER_RYW_READ,
      measured: `${perRead.toFixed(3)} (${cost.positionQueries} position queries for ${cost.positionRequests} reads after a write)`,
    });
  }
  return checks;
}

/** No read failed in the scenario (every mode; the sessions' later reads too). */
function failureCheck(results: readonly ModeResult[], scenario: string): TargetCheck {
  const rs = results.filter((r) => r.scenario === scenario);
  const failed = rs.reduce((n, r) => n + r.failedReads + r.laterReadsFailed, 0);
  const reads = rs.reduce((n, r) => n + r.pairs + r.laterReads, 0);
  const during = rs.reduce((n, r) => n + (r.fault?.failed ?? 0), 0);
  return {
    name: `${scenario}: no read failed`,
    met: failed === 0,
    measured: `${failed} of ${reads}${scenario === 'fault' ? ` (${during} during the fault)` : ''}`,
  };
}

/**
 * One check per applicable (scenario, mode), then per scenario: scenarios whose lag reaches maxLagMs get no
 * replica-share check. `concurrency` is the pairs' (the round-trip target is set for 16).
 */
export function checkTargets(
  results: readonly ModeResult[],
  scenarios: readonly LagSpec[],
  maxLagMs: number,
  concurrency = ROUND_TRIPS_CONCURRENCY,
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const r of results) {
    const label = `${r.scenario}/${r.mode}`;
    if (ZERO_STALE.has(r.mode)) {
      checks.push({ name: `${label}: 0 stale reads`, met: r.stale === 0, measured: `${r.stale} of ${r.pairs}` });
    }
    const spec = scenarios.find((s) => s.kind === r.scenario);
    if (spec && injectedLagMs(spec) < maxLagMs && REPLICA_SHARE.has(r.mode)) {
      checks.push({
        name: `${label}: ≥ ${percent(MIN_REPLICA_SHARE)} of reads on replicas (lag under maxLagMs ${maxLagMs})`,
        met: r.replicaShare >= MIN_REPLICA_SHARE,
        measured: percent(r.replicaShare),
      });
    }
    checks.push(...monotonicCheck(r), ...faultChecks(r));
  }
  for (const scenario of new Set(results.map((r) => r.scenario))) {
    checks.push(...costChecks(results, scenario, concurrency), failureCheck(results, scenario));
  }
  return checks;
}
