// ReportData.sections: extra tables (and line charts) after the charts; a sections-only report leaves out the
// empty paths table and empty charts; a legend too wide for one row wraps and the chart grows to fit it.
import { renderReportHtml } from '../../src/report/render-report-html';
import type { ReportData, ReportSection } from '../../src/report/report-data';
import { svgLineChart } from '../../src/report/svg-line-chart';
import { chartKinds, elements, sectionCells } from './read-html';
import { sampleReportData } from './sample-report-data';

const scaling: ReportSection = {
  id: 'consistency-scale',
  title: 'Check time vs rows',
  description: 'Seeded in SQL.',
  columns: ['rows', 'check ms', 'equal', 'target'],
  rows: [
    [10_000, 41.5, true, null],
    [1_000_000, 2480.25, false, 'met'],
  ],
  chart: {
    xLabel: 'rows',
    yLabel: 'ms',
    logX: true,
    series: [
      {
        name: 'check',
        points: [
          { x: 10_000, y: 41.5 },
          { x: 1_000_000, y: 2480.25 },
        ],
      },
    ],
  },
};

test('a section renders as a table whose cells carry their values, and as a line chart', () => {
  const html = renderReportHtml(sampleReportData({ sections: [scaling] }));
  const cells = sectionCells(html);
  expect(cells.get('consistency-scale|rows|1')).toEqual({ value: '1000000', text: '1,000,000' });
  expect(cells.get('consistency-scale|check ms|1')).toEqual({ value: '2480.25', text: '2,480' });
  expect(cells.get('consistency-scale|equal|0')?.text).toBe('yes');
  expect(cells.get('consistency-scale|equal|1')?.text).toBe('no');
  expect(cells.get('consistency-scale|target|0')).toEqual({ value: undefined, text: '—' });
  expect(html).toContain('Seeded in SQL.');
  expect(chartKinds(html)).toContain('consistency-scale');
  const line = elements(html, 'path').find((p) => p['data-series'] === 'check');
  expect(line?.['data-points']).toBe('2');
  expect(line?.['data-max']).toBe('2480.25');
  // The fixed parts are all still there.
  expect(html).toContain('<h2>Figures</h2>');
  expect(chartKinds(html)).toEqual(expect.arrayContaining(['latency', 'throughput', 'reads-per-node']));
});

test('a report of sections only leaves out the empty paths table, empty charts and the baseline note', () => {
  const data: ReportData = {
    ...sampleReportData(),
    paths: [],
    baselines: null,
    readsPerNode: [],
    sections: [scaling],
  };
  const html = renderReportHtml(data);
  expect(html).not.toContain('<h2>Figures</h2>');
  expect(html).not.toContain('No baselines were run');
  expect(html).not.toContain('class="empty"');
  // The lag charts have data, so they stay.
  expect(chartKinds(html)).toEqual(['lag-ms', 'lag-bytes', 'consistency-scale']);

  const nothing = renderReportHtml({ ...data, lagSeries: [] });
  expect(nothing).not.toContain('<h2>Charts</h2>');
  expect(chartKinds(nothing)).toEqual(['consistency-scale']);
});

test('without sections the page is as before: no section markup', () => {
  const html = renderReportHtml(sampleReportData());
  expect(html).not.toContain('data-section');
});

test('a legend wider than the chart wraps onto more rows and the chart grows by them', () => {
  const series = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ name: `a-rather-long-series-name-${i}`, points: [{ x: 1, y: i }] }));
  const svg = (n: number) => svgLineChart({ kind: 'k', title: 't', xLabel: 'x', yLabel: 'y', series: series(n) });
  const height = (s: string) => Number(/<svg\b[^>]*\bheight="(\d+)"/.exec(s)?.[1]);
  expect(height(svg(1))).toBe(320);
  const wide = svg(7);
  expect(height(wide)).toBeGreaterThan(320);
  // Every legend item stays inside the chart.
  const width = Number(/<svg\b[^>]*\bwidth="(\d+)"/.exec(wide)?.[1]);
  const items = [...wide.matchAll(/<g class="legend-item"[^>]*><rect x="([\d.]+)" y="([\d.-]+)"/g)];
  expect(items).toHaveLength(7);
  for (const m of items) expect(Number(m[1]) + 12).toBeLessThan(width);
  expect(new Set(items.map((m) => m[2])).size).toBeGreaterThan(1);
});
