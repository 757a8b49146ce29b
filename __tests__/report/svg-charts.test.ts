// The chart functions and their helpers, on their own.
import type { PgbenchOutcome, RawPgResult } from '../../src/baseline/baseline-result';
import { PGBENCH_NOT_RUN, reportBaselines } from '../../src/report/report-baselines';
import { svgBarChart } from '../../src/report/svg-bar-chart';
import { decadeTicks, escapeXml, formatNumber, formatTick, niceTicks } from '../../src/report/svg-common';
import { svgLineChart } from '../../src/report/svg-line-chart';
import { elements } from './read-html';

test('number formats', () => {
  expect(formatNumber(12345.6)).toBe('12,346');
  expect(formatNumber(123.4)).toBe('123');
  expect(formatNumber(12.34)).toBe('12.3');
  expect(formatNumber(1.234)).toBe('1.23');
  expect(formatNumber(0.12345)).toBe('0.123');
  expect(formatNumber(8)).toBe('8');
  expect(formatTick(0)).toBe('0');
  expect(formatTick(2500)).toBe('2.5k');
  expect(formatTick(1_000_000)).toBe('1M');
  expect(formatTick(0.25)).toBe('0.25');
  expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
});

test('ticks cover the range with round steps', () => {
  expect(niceTicks(0, 9.3)).toEqual([0, 2, 4, 6, 8, 10]);
  expect(niceTicks(0, 32762)).toEqual([0, 10000, 20000, 30000, 40000]);
  expect(niceTicks(0, 0.9)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  expect(decadeTicks(0.083, 64)).toEqual([0.01, 0.1, 1, 10, 100]);
});

test('bar chart: one rect per bar with its exact value, log scale when values span orders of magnitude', () => {
  const groups = [
    { label: 'fast', bars: [{ series: 'p50', value: 0.1 }] },
    { label: 'slow <x>', bars: [{ series: 'p50', value: 40 }] },
  ];
  const svg = svgBarChart({ kind: 'k', title: 'T', unit: 'ms', groups });
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg).toContain('ms (log scale)');
  const rects = elements(svg, 'rect').filter((r) => r.class === 'bar');
  expect(rects.map((r) => [r['data-group'], Number(r['data-value'])])).toEqual([
    ['fast', 0.1],
    ['slow <x>', 40],
  ]);
  // Longer value, longer bar.
  expect(Number(rects[1]!.width)).toBeGreaterThan(Number(rects[0]!.width));
  expect(svgBarChart({ kind: 'k', title: 'T', unit: 'ms', groups, scale: 'linear' })).not.toContain('log scale');
});

test('line chart: null values break the line; points and max are exported', () => {
  const svg = svgLineChart({
    kind: 'lag',
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
  const [line] = elements(svg, 'path').filter((p) => p.class === 'line');
  expect(line).toMatchObject({ 'data-series': 'standby2', 'data-points': '3', 'data-max': '5' });
  // Two segments: a move, a line, then a new move after the gap.
  expect(line!.d!.match(/M/g)).toHaveLength(2);
  expect(line!.d!.match(/L/g)).toHaveLength(1);
  expect(elements(svg, 'circle')).toHaveLength(3);
});

test('reportBaselines maps pgbench / raw pg results; a missing pgbench becomes the report note', () => {
  const figures = {
    clients: 4,
    transactions: 10,
    durationMs: 1000,
    opsPerSec: 10,
    meanMs: 1,
    p50Ms: 1,
    p95Ms: 2,
    p99Ms: 3,
  };
  const pgbench: PgbenchOutcome = {
    ...figures,
    status: 'ok',
    tool: 'pgbench',
    target: 'x',
    pgbench: 'pgbench',
    version: 'v',
    argv: [],
    failed: 0,
  };
  const rawPg: RawPgResult = { ...figures, status: 'ok', tool: 'raw-pg', target: 'x' };
  expect(reportBaselines([{ workload: 'read', pgbench, rawPg }])).toEqual({
    pgbench: {
      available: true,
      runs: [
        {
          tool: 'pgbench',
          workload: 'read',
          clients: 4,
          opsPerSec: 10,
          meanMs: 1,
          p50Ms: 1,
          p95Ms: 2,
          p99Ms: 3,
          ranOn: 'x',
        },
      ],
    },
    rawPg: [
      {
        tool: 'raw-pg',
        workload: 'read',
        clients: 4,
        opsPerSec: 10,
        meanMs: 1,
        p50Ms: 1,
        p95Ms: 2,
        p99Ms: 3,
        ranOn: 'x',
      },
    ],
  });
  const missing = reportBaselines([
    {
      workload: 'read',
      pgbench: { status: 'unavailable', tool: 'pgbench', kind: 'not-installed', reason: 'pgbench not installed: …' },
      rawPg,
    },
  ]);
  expect(missing.pgbench).toEqual({ available: false, why: 'not-installed', reason: 'pgbench not installed: …' });
  expect(missing.rawPg).toHaveLength(1);

  // Installed but failing is not "not installed": the reason is pgbench's own error.
  const broken: PgbenchOutcome = {
    status: 'unavailable',
    tool: 'pgbench',
    kind: 'failed',
    reason: 'pgbench failed: x',
  };
  expect(reportBaselines([{ workload: 'read', pgbench: broken, rawPg }]).pgbench).toEqual({
    available: false,
    why: 'failed',
    reason: 'read: pgbench failed: x',
  });
  // One workload failing while another ran: the runs stay, the failure is listed.
  expect(
    reportBaselines([
      { workload: 'read', pgbench },
      { workload: 'write', pgbench: broken },
    ]).pgbench,
  ).toEqual({
    available: true,
    runs: [expect.objectContaining({ workload: 'read' })],
    failed: [{ workload: 'write', reason: 'pgbench failed: x' }],
  });
  // No pgbench outcome at all: not run, with the caller's reason or the default one.
  expect(reportBaselines([{ workload: 'read', rawPg }]).pgbench).toEqual({
    available: false,
    why: 'not-run',
    reason: PGBENCH_NOT_RUN,
  });
  expect(reportBaselines([{ workload: 'read', rawPg }], 'interrupted').pgbench).toMatchObject({
    reason: 'interrupted',
  });
});
