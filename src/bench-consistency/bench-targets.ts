// The targets, checked against the results: 0 stale reads for read-your-writes and remote_apply, and
// ≥ 90% of reads on replicas while the lag stays under the router's threshold.
import type { BenchMode } from './bench-options';
import type { LagSpec } from './lag-injection';
import { injectedLagMs } from './lag-injection';
import type { ModeResult } from './mode-result';

/** Share of reads that must reach replicas while lag is under the threshold. */
export const MIN_REPLICA_SHARE = 0.9;

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
const REPLICA_SHARE: ReadonlySet<BenchMode> = new Set(['eventual', 'remote_apply']);

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

/** One check per applicable (scenario, mode); scenarios whose lag reaches maxLagMs get no replica-share check. */
export function checkTargets(
  results: readonly ModeResult[],
  scenarios: readonly LagSpec[],
  maxLagMs: number,
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
  }
  return checks;
}
