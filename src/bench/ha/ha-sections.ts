// bench:ha's results as tables (report sections): per replication mode (the steady-state write latency side by
// side, and what its leader changes lost, failed and held), per leader change (failed writes by error, held writes
// with their wait, failed reads, write unavailability beside Patroni's own leader change, lost writes), and each
// target as met / NOT met. Printed by formatHaTable and shown in report.html.
import type { ReportSection } from '../report/report-data';
import type { HaScenarioResult } from './ha-scenario-result';
import type { ModeSummary } from './mode-summary';

const ms = (v: number | null) => (v === null ? 'never' : `${v.toFixed(0)} ms`);
/** A latency with the precision it deserves: 2.41 ms, 18.3 ms, 240 ms. */
const latency = (v: number | null | undefined) =>
  v === null || v === undefined ? '-' : `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ms`;

/** `CODE n` lines, rwsplit's prefix left out; `-` when empty. */
function byCode(counts: Readonly<Record<string, number>>): string {
  const lines = Object.entries(counts).map(([code, n]) => `${code.replace(/^RWSPLIT_/, '')} ${n}`);
  return lines.join('\n') || '-';
}

function heldCell(r: HaScenarioResult): string {
  const h = r.heldWrites;
  if (h.count === 0) return '0';
  const outcomes = Object.entries(h.byOutcome)
    .map(([outcome, n]) => `${outcome} ${n}`)
    .join(', ');
  return `${h.count} (${outcomes})\n${latency(h.waitP50Ms)} / ${latency(h.waitP99Ms)}`;
}

/** "1.84×" of `value` against the async mode's, or "" when there is no async figure to compare with. */
function againstAsync(value: number | undefined, base: number | undefined): string {
  if (value === undefined || base === undefined || base <= 0) return '';
  return ` (${(value / base).toFixed(2)}×)`;
}

/** What the write latency was measured on, in words. */
export function writeLatencySource(modes: readonly ModeSummary[]): string {
  return modes[0]?.writeLatencySource === 'interleaved'
    ? 'the modes taking turns in windows of the same workload, no leader change'
    : 'writes acknowledged in the warm-up before each leader change';
}

export function haModeSection(modes: readonly ModeSummary[]): ReportSection {
  const async = modes.find((m) => m.mode === 'async')?.writeLatency ?? undefined;
  return {
    id: 'ha-modes',
    title: `Per replication mode (write latency: ${writeLatencySource(modes)}; HDR histogram)`,
    columns: [
      'replication',
      'write p50',
      'write p99',
      'writes measured',
      'leader changes',
      'writes lost',
      'writes failed',
      'writes held',
      'reads failed',
    ],
    rows: modes.map((m) => {
      const w = m.writeLatency;
      const compare = m.mode !== 'async';
      return [
        m.mode === 'async' ? 'async' : `${m.mode} (synchronous_mode${m.mode === 'strict' ? '_strict' : ''})`,
        latency(w?.p50Ms) + (compare ? againstAsync(w?.p50Ms, async?.p50Ms) : ''),
        latency(w?.p99Ms) + (compare ? againstAsync(w?.p99Ms, async?.p99Ms) : ''),
        w?.samples ?? 0,
        m.leaderChanges,
        m.writesLost,
        m.writesFailed,
        m.writesHeld,
        m.readsFailed,
      ];
    }),
  };
}

export function haLeaderChangeSection(results: readonly HaScenarioResult[]): ReportSection {
  return {
    id: 'ha-leader-changes',
    title: 'Per leader change',
    columns: [
      'replication',
      'leader change',
      'write unavailability',
      "Patroni's leader change",
      'writes failed (by code)',
      'writes held\n(wait p50 / p99)',
      'reads failed (by code)',
      'writes lost',
      'outcome-unknown (applied)',
      'acknowledged writes',
      'stale reads',
    ],
    rows: results.map((r) => [
      r.mode,
      `${r.kind}\n${r.from} → ${r.to}`,
      ms(r.writeUnavailabilityMs),
      ms(r.patroniLeaderChangeMs),
      byCode(r.failedWritesByCode),
      heldCell(r),
      r.readsFailed === 0 ? '0' : `${r.readsFailed}\n${byCode(r.readsFailedByCode)}`,
      r.writesLost,
      `${r.writesOutcomeUnknown} (${r.outcomeUnknownApplied})`,
      r.writesAcknowledged,
      r.staleReads,
    ]),
  };
}

export function haTargetSection(results: readonly HaScenarioResult[]): ReportSection {
  return {
    id: 'ha-targets',
    title: 'Targets',
    columns: ['replication', 'leader change', 'target', 'required', 'measured', 'result'],
    rows: results.flatMap((r) =>
      r.targets.map((t) => [r.mode, r.kind, t.name, t.target, t.value, t.met ? 'met' : 'NOT met']),
    ),
  };
}
