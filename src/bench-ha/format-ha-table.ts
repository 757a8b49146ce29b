// The table `npm run bench:ha` prints: per leader change, the figures and each target as met / NOT met.
import Table from 'cli-table3';
import type { HaScenarioResult } from './ha-scenario-result';

const ms = (v: number | null) => (v === null ? 'never' : `${v.toFixed(0)} ms`);

export function formatHaTable(results: readonly HaScenarioResult[]): string {
  const figures = new Table({
    head: [
      'leader change',
      'write unavailability',
      "Patroni's leader change",
      'reads failed',
      'writes lost',
      'writes outcome-unknown',
      'writes failed (by code)',
      'acknowledged writes',
      'stale reads',
    ],
    style: { head: [], border: [] },
  });
  for (const r of results) {
    const codes = Object.entries(r.failedWritesByCode)
      .map(([code, n]) => `${code.replace(/^RWSPLIT_/, '')} ${n}`)
      .join('\n');
    figures.push([
      `${r.kind}\n${r.from} → ${r.to}`,
      ms(r.writeUnavailabilityMs),
      ms(r.patroniLeaderChangeMs),
      r.readsFailed,
      r.writesLost,
      `${r.writesOutcomeUnknown} (${r.outcomeUnknownApplied} applied)`,
      codes || '-',
      r.writesAcknowledged,
      r.staleReads,
    ]);
  }
  const targets = new Table({
    head: ['leader change', 'target', 'required', 'measured', 'result'],
    style: { head: [], border: [] },
  });
  for (const r of results) {
    for (const t of r.targets) targets.push([r.kind, t.name, t.target, t.value, t.met ? 'met' : 'NOT met']);
  }
  return `${figures.toString()}\n${targets.toString()}`;
}
