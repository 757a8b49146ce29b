// Checks every figure a report page shows (table cells, bars, lag lines) against the report's data.
import type { ReportData } from '../../src/report/report-data';
import { formatNumber } from '../../src/report/svg-common';
import { elements, figureCells } from './read-html';

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
