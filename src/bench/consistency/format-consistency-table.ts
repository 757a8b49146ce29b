// The summary the bench prints: one row per scenario and mode (stale reads and non-monotonic sessions side by side),
// then the routing-cost, ratio, monotonic-reads and fault tables, every
// failed read's error, the scenarios in words, and the targets (met / NOT met). Also in Markdown, for the README.
import Table from 'cli-table3';
import { type ConsistencyBaselines, describeBaselines, modeRatios } from './consistency-baselines';
import { type ConsistencyTable, errorLines, extraTables, slowestReadLines } from './consistency-tables';
import type { ModeResult } from './mode-result';
import type { ConsistencyBenchResult } from './run-consistency-bench';

const HEAD = [
  'scenario',
  'mode',
  'pairs',
  'stale',
  'stale %',
  'non-monotonic',
  'failed',
  'on replicas',
  'read p50 ms',
  'read p99 ms',
  'write p50 ms',
  'pairs/s',
  'bg writes/s',
  'read p50 ÷ pgbench, raw pg',
  'write p50 ÷ pgbench, raw pg',
];

const pct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.001 ? 3 : 1)}%`;
const ms = (x: number) => x.toFixed(2);
const times = (x: number | null) => (x === null ? '—' : `${x.toFixed(x >= 10 ? 1 : 2)}×`);

function row(r: ModeResult, baselines: ConsistencyBaselines): string[] {
  const ratios = modeRatios(r, baselines);
  return [
    r.scenario,
    r.mode,
    String(r.pairs),
    String(r.stale),
    pct(r.staleRate),
    r.sessionReads > 1 ? String(r.nonMonotonic) : '—',
    String(r.failedReads),
    pct(r.replicaShare),
    ms(r.read.p50Ms),
    ms(r.read.p99Ms),
    ms(r.write.p50Ms),
    r.pairsPerSec.toFixed(0),
    r.backgroundWritesPerSec.toFixed(0),
    `${times(ratios.readVsPgbench)}, ${times(ratios.readVsRawPg)}`,
    `${times(ratios.writeVsPgbench)}, ${times(ratios.writeVsRawPg)}`,
  ];
}

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

function cliTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const table = new Table({ head: [...head], style: { head: [], border: [] } });
  for (const r of rows) table.push([...r]);
  return table.toString();
}

function markdownTable(head: readonly string[], rows: readonly (readonly string[])[], leftColumns: number): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const align = head.map((_, i) => (i < leftColumns ? '---' : '---:'));
  return [line(head), line(align), ...rows.map(line)];
}

const titled = (t: ConsistencyTable, body: string) => `\n${t.title}\n${body}`;

/** The summary table with the extra tables, its legend and targets. */
export function formatConsistencyTable(result: ConsistencyBenchResult): string {
  return [
    cliTable(
      HEAD,
      result.modes.map((r) => row(r, result.baselines)),
    ),
    ...extraTables(result.modes).map((t) => titled(t, cliTable(t.columns, t.rows))),
    '',
    ...footer(result),
  ].join('\n');
}

/** The same table in Markdown (for the README), with the legend and targets as a list under it. */
export function formatConsistencyMarkdown(result: ConsistencyBenchResult): string {
  return [
    ...markdownTable(
      HEAD,
      result.modes.map((r) => row(r, result.baselines)),
      2,
    ),
    ...extraTables(result.modes).flatMap((t) => [
      '',
      `**${t.title}**`,
      '',
      ...markdownTable(t.columns, t.rows, t.id === 'mode-ratios' ? 1 : 2),
    ]),
    '',
    ...footer(result).map((f) => `- ${f}`),
  ].join('\n');
}
