// Checks every figure a report page shows (table cells, bars, lag lines) against the report's data.
import type { ReportBaseline, ReportData } from '../../src/report/report-data';
import { formatNumber } from '../../src/report/svg-common';
import { elements, figureCells, sectionCells } from './read-html';

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
  const bars = elements(html, 'rect').filter((r) => r.class === 'bar');
  const bar = (chart: string, group: string, series: string) => {
    // Bars are found through their chart's svg: cut the html at that chart.
    const start = html.indexOf(`data-chart="${chart}"`);
    const end = html.indexOf('</svg>', start);
    const inChart = elements(html.slice(start, end), 'rect').filter((r) => r.class === 'bar');
    return inChart.find((r) => r['data-group'] === group && r['data-series'] === series)?.['data-value'];
  };
  expect(bars.length).toBeGreaterThan(0);
  for (const p of data.paths) {
    expect(Number(bar('latency', p.name, 'p50'))).toBe(p.p50Ms);
    expect(Number(bar('latency', p.name, 'p95'))).toBe(p.p95Ms);
    expect(Number(bar('latency', p.name, 'p99'))).toBe(p.p99Ms);
    expect(Number(bar('throughput', p.name, 'path'))).toBe(p.opsPerSec);
  }
  for (const b of baselines) {
    const label = `${b.tool === 'pgbench' ? 'pgbench' : 'raw pg'} ${b.workload}`;
    expect(Number(bar('throughput', label, b.tool === 'pgbench' ? 'pgbench' : 'raw pg'))).toBe(b.opsPerSec);
  }
  for (const n of data.readsPerNode) expect(Number(bar('reads-per-node', n.node, 'reads'))).toBe(n.reads);
  const lines = elements(html, 'path').filter((l) => l.class === 'line');
  for (const s of data.lagSeries) {
    const known = s.points.filter((p) => p.lagMs !== null);
    const msLine = lines.find(
      (l) => l['data-series'] === s.node && Number(l['data-max']) === Math.max(...known.map((p) => p.lagMs!)),
    );
    expect(msLine?.['data-points']).toBe(String(known.length));
    const maxBytes = Math.max(...s.points.filter((p) => p.lagBytes !== null).map((p) => p.lagBytes!));
    expect(lines.some((l) => l['data-series'] === s.node && Number(l['data-max']) === maxBytes)).toBe(true);
  }
}
