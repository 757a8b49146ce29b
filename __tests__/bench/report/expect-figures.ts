// Checks every figure a report page shows (table cells, bars, lag lines) against the report's data. The charts'
// figures are read from the aria-labels vega gives each mark.
import { barLabel, lineLabel } from '../../../src/bench/report/chart-specs';
import { formatNumber } from '../../../src/bench/report/format-number';
import type { ReportBaseline, ReportData } from '../../../src/bench/report/report-data';
import { chartMarks, elements, figureCells, sectionCells } from './read-html';

/** The baselines the page shows: pgbench's runs (when it ran) and raw pg's. */
function baselinesOf(data: ReportData): ReportBaseline[] {
  if (!data.baselines) return [];
  return [...(data.baselines.pgbench.available ? data.baselines.pgbench.runs : []), ...data.baselines.rawPg];
}

/** A cell's expected value and text: a number formatted like the page (with its suffix), or — for none. */
const expected = (value: number | null, suffix = '') => ({
  value,
  text: value === null ? '—' : `${formatNumber(value)}${suffix}`,
});

/** Checks every figure the HTML shows against `data`. Runs on the written HTML and on Chromium's DOM. */
export function expectFiguresMatch(html: string, data: ReportData): void {
  const cells = figureCells(html);
  for (const p of data.paths) {
    for (const field of ['samples', 'p50Ms', 'p95Ms', 'p99Ms', 'meanMs', 'opsPerSec'] as const) {
      const c = cells.get(`${p.name}|${field}`);
      expect({ field, path: p.name, value: c?.value }).toEqual({ field, path: p.name, value: p[field] });
      expect(c?.text).toBe(formatNumber(p[field]));
    }
    expect(cells.get(`${p.name}|p999Ms`)).toEqual(expected(p.p999Ms ?? null));
  }
  // Each path's ratio cells, worked out here from the data (not by the renderer's own function).
  const baselines = baselinesOf(data);
  for (const p of data.paths) {
    const find = (tool: string) => baselines.find((b) => b.tool === tool && b.workload === p.workload);
    const over = (a: number, b: number | undefined) => (b !== undefined && b > 0 ? a / b : null);
    const ratios = {
      opsVsPgbench: over(p.opsPerSec, find('pgbench')?.opsPerSec),
      opsVsRawPg: over(p.opsPerSec, find('raw-pg')?.opsPerSec),
      meanVsPgbench: over(p.meanMs, find('pgbench')?.meanMs),
      meanVsRawPg: over(p.meanMs, find('raw-pg')?.meanMs),
    };
    for (const [field, value] of Object.entries(ratios)) {
      const c = cells.get(`${p.name}|${field}`);
      expect({ field, path: p.name, cell: c }).toEqual({ field, path: p.name, cell: expected(value, '×') });
    }
  }
  // The baselines table: one row per run, every figure.
  for (const b of baselines) {
    const key = `${b.tool}:${b.workload}`;
    for (const field of ['clients', 'p50Ms', 'p95Ms', 'p99Ms', 'meanMs', 'opsPerSec'] as const) {
      const c = cells.get(`${key}|${field}`);
      expect({ field, baseline: key, cell: c }).toEqual({ field, baseline: key, cell: expected(b[field]) });
    }
  }
  expect(elements(html, 'tr').filter((r) => r['data-baseline'] !== undefined)).toHaveLength(baselines.length);
  // Every section's table, cell by cell.
  const sections = sectionCells(html);
  for (const section of data.sections ?? []) {
    section.rows.forEach((row, r) =>
      row.forEach((value, i) => {
        const key = `${section.id}|${section.columns[i]}|${r}`;
        const text =
          value === null
            ? '—'
            : typeof value === 'boolean'
              ? value
                ? 'yes'
                : 'no'
              : typeof value === 'number'
                ? formatNumber(value)
                : value;
        const dataValue = typeof value === 'number' ? value : undefined;
        const c = sections.get(key);
        expect({ key, text: c?.text, value: c?.value === undefined ? undefined : Number(c.value) }).toEqual({
          key,
          text,
          value: dataValue,
        });
      }),
    );
  }
  // The charts: one labelled bar per figure, drawn (a bar of zero width is a path with no horizontal run).
  const labels = (chart: string, role: string) =>
    chartMarks(html, chart)
      .filter((m) => m.role === role)
      .map((m) => m.label);
  const latencyBars = chartMarks(html, 'latency').filter((m) => m.role === 'bar');
  expect(latencyBars).toHaveLength(data.paths.length * 3);
  for (const b of latencyBars) expect(b.d).not.toMatch(/^M[\d.,-]+h0v/);
  const expectedLatency = data.paths.flatMap((p) => [
    barLabel(p.name, 'p50', p.p50Ms),
    barLabel(p.name, 'p95', p.p95Ms),
    barLabel(p.name, 'p99', p.p99Ms),
  ]);
  expect(labels('latency', 'bar').sort()).toEqual(expectedLatency.sort());
  const expectedThroughput = [
    ...data.paths.map((p) => barLabel(p.name, 'path', p.opsPerSec)),
    ...baselines.map((b) => {
      const tool = b.tool === 'pgbench' ? 'pgbench' : 'raw pg';
      return barLabel(`${tool} ${b.workload}`, tool, b.opsPerSec);
    }),
  ];
  expect(labels('throughput', 'bar').sort()).toEqual(expectedThroughput.sort());
  expect(labels('reads-per-node', 'bar').sort()).toEqual(
    data.readsPerNode.map((n) => barLabel(n.node, 'reads', n.reads)).sort(),
  );
  // Each lag line carries its count of known points and its largest value.
  for (const [chart, field] of [
    ['lag-ms', 'lagMs'],
    ['lag-bytes', 'lagBytes'],
  ] as const) {
    const lines = labels(chart, 'line mark');
    for (const s of data.lagSeries) {
      const known = s.points.flatMap((p) => (p[field] === null ? [] : [p[field]]));
      if (known.length > 0) expect(lines).toContain(lineLabel(s.node, known.length, Math.max(...known)));
    }
  }
}
