// The tables `npm run bench:ha` prints: per replication mode (the steady-state write latency side by side, and what
// its leader changes lost, failed and held), per leader change (failed writes by error, held writes with their
// wait, failed reads, write unavailability beside Patroni's own leader change, lost writes), and each target as
// met / NOT met.
import Table from 'cli-table3';
import type { HaScenarioResult } from './ha-scenario-result';
import type { ModeSummary } from './mode-summary';

const ms = (v: number | null) => (v === null ? 'never' : `${v.toFixed(0)} ms`);
/** A latency with the precision it deserves: 2.41 ms, 18.3 ms, 240 ms. */
const latency = (v: number | null | undefined) =>
  v === null || v === undefined ? '-' : `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ms`;
const style = { head: [], border: [] };

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

export function formatModeTable(modes: readonly ModeSummary[]): string {
  const table = new Table({
    head: [
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
    style,
  });
  const async = modes.find((m) => m.mode === 'async')?.writeLatency ?? undefined;
  for (const m of modes) {
    const w = m.writeLatency;
    const compare = m.mode !== 'async';
    table.push([
      m.mode === 'async' ? 'async' : `${m.mode} (synchronous_mode${m.mode === 'strict' ? '_strict' : ''})`,
      latency(w?.p50Ms) + (compare ? againstAsync(w?.p50Ms, async?.p50Ms) : ''),
      latency(w?.p99Ms) + (compare ? againstAsync(w?.p99Ms, async?.p99Ms) : ''),
      w?.samples ?? 0,
      m.leaderChanges,
      m.writesLost,
      m.writesFailed,
      m.writesHeld,
      m.readsFailed,
    ]);
  }
  return table.toString();
}

export function formatLeaderChangeTable(results: readonly HaScenarioResult[]): string {
  const table = new Table({
    head: [
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
    style,
  });
  for (const r of results) {
    table.push([
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
    ]);
  }
  return table.toString();
}

export function formatTargetTable(results: readonly HaScenarioResult[]): string {
  const table = new Table({
    head: ['replication', 'leader change', 'target', 'required', 'measured', 'result'],
    style,
  });
  for (const r of results) {
    for (const t of r.targets) table.push([r.mode, r.kind, t.name, t.target, t.value, t.met ? 'met' : 'NOT met']);
  }
  return table.toString();
}

/** The three tables, with a line saying what the write latency is measured on. */
export function formatHaTable(results: readonly HaScenarioResult[], modes: readonly ModeSummary[]): string {
  const source =
    modes[0]?.writeLatencySource === 'interleaved'
      ? 'the modes taking turns in windows of the same workload, no leader change'
      : 'writes acknowledged in the warm-up before each leader change';
  return [
    `Per replication mode (write latency: ${source}; HDR histogram)`,
    formatModeTable(modes),
    'Per leader change',
    formatLeaderChangeTable(results),
    formatTargetTable(results),
  ].join('\n');
}
