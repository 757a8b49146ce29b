// What monotonic reads cost, per scenario: eventual reads on the router with monotonicReads on against the same
// reads on one with it off (`eventual-plain`), run in the same scenario: sessions that went back in time, read p50
// (the read-back's, and the later reads'), and pairs/s.
import type { LagKind } from './lag-injection';
import type { ModeResult } from './mode-result';

export interface MonotonicCost {
  readonly scenario: LagKind;
  /** Non-monotonic sessions with the guarantee (`eventual`), and without (`eventual-plain`). */
  readonly nonMonotonic: number;
  readonly nonMonotonicPlain: number;
  readonly pairs: number;
  readonly pairsPlain: number;
  /** eventual read p50 ÷ eventual-plain read p50 (the read-back's; above 1: monotonic reads are slower). */
  readonly readP50: number | null;
  /** The same for the later reads of each session; null when sessions read once. */
  readonly laterReadP50: number | null;
  /** eventual pairs/s ÷ eventual-plain pairs/s (below 1: monotonic reads are slower). */
  readonly pairsPerSec: number | null;
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b <= 0 ? null : a / b;

/** One row per scenario that ran both `eventual` and `eventual-plain`, in the order the scenarios ran. */
export function monotonicCost(results: readonly ModeResult[]): MonotonicCost[] {
  const scenarios = [...new Set(results.map((r) => r.scenario))];
  return scenarios.flatMap((scenario) => {
    const of = (mode: string) => results.find((r) => r.scenario === scenario && r.mode === mode);
    const on = of('eventual');
    const off = of('eventual-plain');
    if (!on || !off) return [];
    return [
      {
        scenario,
        nonMonotonic: on.nonMonotonic,
        nonMonotonicPlain: off.nonMonotonic,
        pairs: on.pairs,
        pairsPlain: off.pairs,
        readP50: ratio(on.read.p50Ms, off.read.p50Ms),
        laterReadP50: ratio(on.laterRead?.p50Ms, off.laterRead?.p50Ms),
        pairsPerSec: ratio(on.pairsPerSec, off.pairsPerSec),
      },
    ];
  });
}
