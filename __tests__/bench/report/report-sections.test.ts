// ReportData.sections: extra tables (and line charts) after the charts; a sections-only report leaves out the
// empty paths table and empty charts.
import { renderReportHtml } from '../../../src/bench/report/render-report-html';
import type { ReportData, ReportSection } from '../../../src/bench/report/report-data';
import { lineLabel } from '../../../src/bench/report/chart-specs';
import { chartKinds, chartMarks, sectionCells } from './read-html';
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

test('a section renders as a table whose cells carry their values, and as a line chart', async () => {
  const html = await renderReportHtml(sampleReportData({ sections: [scaling] }));
  const cells = sectionCells(html);
  expect(cells.get('consistency-scale|rows|1')).toEqual({ value: '1000000', text: '1,000,000' });
  expect(cells.get('consistency-scale|check ms|1')).toEqual({ value: '2480.25', text: '2,480' });
  expect(cells.get('consistency-scale|equal|0')?.text).toBe('yes');
  expect(cells.get('consistency-scale|equal|1')?.text).toBe('no');
  expect(cells.get('consistency-scale|target|0')).toEqual({ value: undefined, text: '—' });
  expect(html).toContain('Seeded in SQL.');
  expect(chartKinds(html)).toContain('consistency-scale');
  const lines = chartMarks(html, 'consistency-scale').filter((m) => m.role === 'line mark');
  expect(lines.map((l) => l.label)).toEqual([lineLabel('check', 2, 2480.25)]);
  // The fixed parts are all still there.
  expect(html).toContain('<h2>Figures</h2>');
  expect(chartKinds(html)).toEqual(expect.arrayContaining(['latency', 'throughput', 'reads-per-node']));
});

test('a report of sections only leaves out the empty paths table, empty charts and the baseline note', async () => {
  const data: ReportData = {
    ...sampleReportData(),
    paths: [],
    baselines: null,
    readsPerNode: [],
    sections: [scaling],
  };
  const html = await renderReportHtml(data);
  expect(html).not.toContain('<h2>Figures</h2>');
  expect(html).not.toContain('No baselines were run');
  expect(html).not.toContain('class="empty"');
  // The lag charts have data, so they stay.
  expect(chartKinds(html)).toEqual(['lag-ms', 'lag-bytes', 'consistency-scale']);

  const nothing = await renderReportHtml({ ...data, lagSeries: [] });
  expect(nothing).not.toContain('<h2>Charts</h2>');
  expect(chartKinds(nothing)).toEqual(['consistency-scale']);
});

test('without sections the page is as before: no section markup', async () => {
  const html = await renderReportHtml(sampleReportData());
  expect(html).not.toContain('data-section');
});
