// The vega-lite charts on their own: specs rendered to SVG by vega in Node, each mark labelled with its figure.
import { barChartSpec, barLabel, lineChartSpec, lineLabel, useLogScale } from '../../../src/bench/report/chart-specs';
import { escapeXml } from '../../../src/bench/report/escape-xml';
import { formatNumber } from '../../../src/bench/report/format-number';
import { vegaSvg } from '../../../src/bench/report/vega-svg';
import { chartKinds, chartMarks, elements } from './read-html';

/** The right end of a horizontal bar: the largest x its path reaches. */
const barEnd = (d: string) => Math.max(...[...d.matchAll(/[ML]([\d.]+),/g)].map((m) => Number(m[1])));

test('number formats and escaping', () => {
  expect(formatNumber(12345.6)).toBe('12,346');
  expect(formatNumber(123.4)).toBe('123');
  expect(formatNumber(12.34)).toBe('12.3');
  expect(formatNumber(1.234)).toBe('1.23');
  expect(formatNumber(0.12345)).toBe('0.123');
  expect(formatNumber(8)).toBe('8');
  expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
});

test('log scale when values span more than 50×, unless a scale is asked for', () => {
  expect(useLogScale([0.1, 40])).toBe(true);
  expect(useLogScale([1, 40])).toBe(false);
  expect(useLogScale([0.1, 40], 'linear')).toBe(false);
  expect(useLogScale([1, 2], 'log')).toBe(true);
});

test('bar chart: a self-contained svg tagged with its kind, one labelled bar per value, longer value longer bar', async () => {
  const groups = [
    { label: 'fast', bars: [{ series: 'p50', value: 0.1 }] },
    { label: 'slow <x>', bars: [{ series: 'p50', value: 40 }] },
  ];
  const svg = await vegaSvg('k', 'T <t>', barChartSpec({ title: 'T <t>', unit: 'ms', groups }));
  expect(svg).toMatch(
    /^<svg data-chart="k" role="img" aria-label="T &lt;t&gt;" xmlns="http:\/\/www.w3.org\/2000\/svg"/,
  );
  expect(svg).toContain('<title>T &lt;t&gt;</title>');
  expect(svg).not.toMatch(/<script|<image|href=/);
  expect(chartKinds(svg)).toEqual(['k']);
  expect(svg).toContain("X-axis titled 'ms (log scale)'");
  const bars = chartMarks(svg, 'k').filter((m) => m.role === 'bar');
  expect(bars.map((b) => b.label)).toEqual([barLabel('fast', 'p50', 0.1), barLabel('slow <x>', 'p50', 40)]);
  // Both drawn (the log axis starts below the smallest value), the larger one longer.
  expect(barEnd(bars[0]!.d)).toBeGreaterThan(0);
  expect(barEnd(bars[1]!.d)).toBeGreaterThan(barEnd(bars[0]!.d));
  // The printed values, formatted like the tables.
  expect(svg).toContain('>0.100<');
  expect(svg).toContain('>40<');
  const linear = await vegaSvg('k', 'T', barChartSpec({ title: 'T', unit: 'ms', groups, scale: 'linear' }));
  expect(linear).not.toContain('log scale');
});

test('bar chart: grouped series get their own colours and a legend, in the order given', async () => {
  const groups = [
    {
      label: 'a',
      bars: [
        { series: 'p99', value: 3 },
        { series: 'p50', value: 1 },
      ],
    },
    {
      label: 'b',
      bars: [
        { series: 'p50', value: 2 },
        { series: 'p99', value: 4 },
      ],
    },
  ];
  const svg = await vegaSvg('g', 'G', barChartSpec({ title: 'G', unit: 'ms', groups, series: ['p50', 'p99'] }));
  const bars = elements(svg, 'path').filter((p) => p['aria-roledescription'] === 'bar');
  const fill = (label: string) => bars.find((b) => b['aria-label'] === label)?.fill;
  expect(fill(barLabel('a', 'p50', 1))).toBe(fill(barLabel('b', 'p50', 2)));
  expect(fill(barLabel('a', 'p50', 1))).not.toBe(fill(barLabel('a', 'p99', 3)));
  expect(svg).toContain('legend for fill color with 2 values: p50, p99');
});

test('line chart: a null breaks the line; each line says its points and max, each dot its value', async () => {
  const spec = lineChartSpec({
    title: 'lag',
    xLabel: 't',
    yLabel: 'ms',
    series: [
      {
        name: 'standby2',
        points: [
          { x: 0, y: 1 },
          { x: 1, y: 5 },
          { x: 2, y: null },
          { x: 3, y: 2 },
        ],
      },
    ],
  });
  const marks = chartMarks(await vegaSvg('lag', 'lag', spec), 'lag');
  const [line] = marks.filter((m) => m.role === 'line mark');
  expect(line?.label).toBe(lineLabel('standby2', 3, 5));
  // Two pieces: a move and a line, then a new move after the gap.
  expect(line!.d.match(/M/g)).toHaveLength(2);
  expect(marks.filter((m) => m.role === 'point').map((m) => m.label)).toEqual([
    'standby2 at 0: 1',
    'standby2 at 1: 5',
    'standby2 at 3: 2',
  ]);
});

test('line chart: no dots on long series; log x drops points at x ≤ 0', async () => {
  const points = Array.from({ length: 100 }, (_, i) => ({ x: i, y: i * 2 }));
  const spec = lineChartSpec({ title: 'h', xLabel: 'ms', yLabel: 'n', logX: true, series: [{ name: 's', points }] });
  const svg = await vegaSvg('h', 'h', spec);
  const marks = chartMarks(svg, 'h');
  expect(marks.filter((m) => m.role === 'point')).toHaveLength(0);
  expect(marks.filter((m) => m.role === 'line mark').map((m) => m.label)).toEqual([lineLabel('s', 100, 198)]);
  expect(svg).toContain("X-axis titled 'ms (log scale)'");
});
