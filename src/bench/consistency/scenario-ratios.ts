// What read-your-writes costs against its alternatives, per scenario: against reading on the primary (what an
// application without it would do to see its writes) and against eventual reads (what it gives up).
import type { LagKind } from './lag-injection';
import type { ModeResult } from './mode-result';

export interface ScenarioRatios {
  readonly scenario: LagKind;
  /** read-your-writes pairs/s ÷ primary-mode pairs/s (above 1: read-your-writes is faster). */
  readonly rywVsPrimaryPairsPerSec: number | null;
  /** read-your-writes read p50 ÷ primary-mode read p50. */
  readonly rywVsPrimaryReadP50: number | null;
  /** read-your-writes read p50 ÷ eventual read p50. */
  readonly rywVsEventualReadP50: number | null;
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b <= 0 ? null : a / b;

/** One row per scenario that ran read-your-writes, in the order the scenarios ran. */
export function scenarioRatios(results: readonly ModeResult[]): ScenarioRatios[] {
  const scenarios = [...new Set(results.map((r) => r.scenario))];
  return scenarios.flatMap((scenario) => {
    const of = (mode: string) => results.find((r) => r.scenario === scenario && r.mode === mode);
    const ryw = of('read-your-writes');
    if (!ryw) return [];
    const primary = of('primary');
    const eventual = of('eventual');
    return [
      {
        scenario,
        rywVsPrimaryPairsPerSec: ratio(ryw.pairsPerSec, primary?.pairsPerSec),
        rywVsPrimaryReadP50: ratio(ryw.read.p50Ms, primary?.read.p50Ms),
        rywVsEventualReadP50: ratio(ryw.read.p50Ms, eventual?.read.p50Ms),
      },
    ];
  });
}
