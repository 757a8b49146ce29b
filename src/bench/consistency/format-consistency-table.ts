// The summary the bench prints: one row per scenario and mode (stale reads and non-monotonic sessions side by side),
// then the routing-cost, ratio, monotonic-reads and fault tables, every
// failed read's error, the scenarios in words, and the targets (met / NOT met). Also in Markdown, for the README.
import { formatSectionTable } from '../common/format-section-table';
import { describeBaselines } from './consistency-baselines';
import { type ConsistencyTable, errorLines, extraTables, slowestReadLines } from './consistency-tables';
import { modesTable } from './modes-table';
import type { ConsistencyBenchResult } from './run-consistency-bench';

/** The scenarios in words, once each. */
function legend(result: ConsistencyBenchResult): string[] {
  const seen = new Map<string, string>();
  for (const r of result.modes) seen.set(r.scenario, r.lag);
  return [...seen].map(([kind, lag]) => `${kind}: ${lag}`);
}

function footer(result: ConsistencyBenchResult): string[] {
  const r = result.routing;
  return [
    ...legend(result),
    `router: maxLagMs ${r.maxLagMs}, maxLagBytes ${r.maxLagBytes}, readYourWritesWaitMs ${r.readYourWritesWaitMs}; ` +
      `concurrency ${result.options.concurrency}; background load ${result.options.writeRate} writes/s; ` +
      `${result.options.sessionReads} reads per session (read p50: the first)`,
    ...result.skipped.map((s) => `${s.scenario}/${s.mode} skipped: ${s.reason}`),
    ...slowestReadLines(result.modes),
    ...failedReads(result),
    `baselines, the pair's SQL at concurrency ${result.baselines.clients} after the pairs (pgbench reads split over the standbys):`,
    ...describeBaselines(result.baselines).map((line) => `  ${line}`),
    ...result.targets.map((t) => `${t.met ? '✓ met' : '✗ NOT met'}: ${t.name}: ${t.measured}`),
    ...(result.aborted ? ['interrupted: the figures cover the pairs that ran'] : []),
  ];
}

/** Every failed read's error with its code (none: one line saying so). */
function failedReads(result: ConsistencyBenchResult): string[] {
  const lines = errorLines(result.modes);
  const failed = result.modes.reduce((n, r) => n + r.failedReads, 0);
  return lines.length === 0 ? ['failed reads: none'] : [`failed reads: ${failed}`, ...lines.map((l) => `  ${l}`)];
}

function markdownTable(head: readonly string[], rows: readonly (readonly string[])[], leftColumns: number): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const align = head.map((_, i) => (i < leftColumns ? '---' : '---:'));
  return [line(head), line(align), ...rows.map(line)];
}

/** The summary table with the extra tables, its legend and targets. */
export function formatConsistencyTable(result: ConsistencyBenchResult): string {
  return [
    formatSectionTable(modesTable(result)),
    ...extraTables(result.modes).flatMap((t) => ['', formatSectionTable(t, { title: t.title })]),
    '',
    ...footer(result),
  ].join('\n');
}

const markdownRows = (t: ConsistencyTable, leftColumns: number) => markdownTable(t.columns, t.rows, leftColumns);

/** The same table in Markdown (for the README), with the legend and targets as a list under it. */
export function formatConsistencyMarkdown(result: ConsistencyBenchResult): string {
  return [
    ...markdownRows(modesTable(result), 2),
    ...extraTables(result.modes).flatMap((t) => [
      '',
      `**${t.title}**`,
      '',
      ...markdownRows(t, t.id === 'mode-ratios' ? 1 : 2),
    ]),
    '',
    ...footer(result).map((f) => `- ${f}`),
  ].join('\n');
}
