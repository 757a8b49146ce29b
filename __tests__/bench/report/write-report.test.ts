// report.json round-trips; report.html has one <svg> per chart, and every figure it prints (table cells, bars,
// lines) matches the JSON.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ReportData } from '../../../src/bench/report/report-data';
import { writeReport } from '../../../src/bench/report/write-report';
import { expectFiguresMatch } from './expect-figures';
import { chartKinds, chartMarks, figureCells, unescape } from './read-html';
import { sampleReportData } from './sample-report-data';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rwsplit-report-test-'));
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

async function written(data: ReportData): Promise<{ json: unknown; html: string }> {
  const out = await writeReport(path.join(dir, 'nested', 'results'), data);
  expect(out.jsonPath).toBe(path.join(dir, 'nested', 'results', 'report.json'));
  return { json: JSON.parse(await fs.readFile(out.jsonPath, 'utf8')), html: await fs.readFile(out.htmlPath, 'utf8') };
}

test('report.json round-trips the data', async () => {
  const data = sampleReportData();
  const { json } = await written(data);
  expect(json).toEqual(data);
});

test('report.html: one <svg> per chart, figures equal to the JSON, ratios to both baselines', async () => {
  const data = sampleReportData();
  const { html } = await written(data);
  expect(chartKinds(html)).toEqual([
    'latency',
    'latency-histogram',
    'throughput',
    'lag-ms',
    'lag-bytes',
    'reads-per-node',
  ]);
  expect(html.match(/<svg\b/g)).toHaveLength(6);
  expectFiguresMatch(html, data);

  const cells = figureCells(html);
  expect(cells.get('prisma-read|opsVsPgbench')?.value).toBe(4199.3 / 32762.4);
  expect(cells.get('prisma-read|opsVsPgbench')?.text).toBe('0.128×');
  expect(cells.get('prisma-read|opsVsRawPg')?.value).toBe(4199.3 / 13595);
  expect(cells.get('prisma-write|meanVsPgbench')?.value).toBe(2.893 / 0.827);
  expect(cells.get('pg-read|opsVsRawPg')?.text).toBe('1×');
  expect(cells.get('pgbench:read|opsPerSec')?.value).toBe(32762.4);
  expect(cells.get('raw-pg:write|meanMs')?.value).toBe(1.306);
  expect(html).not.toContain('pgbench not installed');

  // The data rides along, inert, and parses back.
  const embedded = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html)?.[1];
  expect(JSON.parse(embedded!)).toEqual(data);
});

test('self-contained: no external assets and no executable script', async () => {
  const { html } = await written(sampleReportData());
  expect(html).not.toMatch(/<link\b|<img\b|<iframe\b|url\(|@import/i);
  expect(html).not.toMatch(/\b(src|href)=/i);
  expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script type="application/json" id="report-data">']);
  const urls = [...html.matchAll(/https?:\/\/[^\s"'<]+/g)].map((m) => m[0]);
  // Only the SVG namespaces vega declares: names, never fetched.
  expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']));
});

test('text is escaped', async () => {
  const { html } = await written(sampleReportData({ title: 'bench <b>&</b>' }));
  expect(html).toContain('<h1>bench &lt;b&gt;&amp;&lt;/b&gt;</h1>');
  expect(html).toContain('<li>Figures &lt;of&gt; a &quot;2-core&quot; VM &amp; loopback.</li>');
  expect(unescape('&lt;of&gt;')).toBe('<of>');
});

test('without pgbench: a clear note, no pgbench ratios or bars, raw pg still compared', async () => {
  const base = sampleReportData();
  const data = sampleReportData({
    baselines: {
      pgbench: {
        available: false,
        why: 'not-installed',
        reason: 'pgbench not installed: install it with `apt-get install postgresql-client`',
      },
      rawPg: base.baselines!.rawPg,
    },
  });
  const { html } = await written(data);
  expect(html).toMatch(/<p class="note baseline-note">pgbench not installed — no baseline\./);
  const cells = figureCells(html);
  expect(cells.get('prisma-read|opsVsPgbench')).toEqual({ value: null, text: '—' });
  expect(cells.get('prisma-read|opsVsRawPg')?.value).toBe(4199.3 / 13595);
  expect(chartMarks(html, 'throughput').some((m) => m.label.includes('pgbench'))).toBe(false);
  expectFiguresMatch(html, data);
});

test.each([
  [
    'failed',
    'pgbench failed: connection refused',
    /pgbench is installed but its run failed — no pgbench baseline\. pgbench failed: connection refused/,
  ],
  ['not-run', 'Baselines were turned off', /pgbench was not run — no pgbench baseline\. Baselines were turned off/],
] as const)('pgbench %s: the note says so, never "not installed"', async (why, reason, note) => {
  const data = sampleReportData({
    baselines: { pgbench: { available: false, why, reason }, rawPg: sampleReportData().baselines!.rawPg },
  });
  const { html } = await written(data);
  expect(html).toMatch(note);
  expect(html).not.toContain('not installed');
  expectFiguresMatch(html, data);
});

test('pgbench failed for one workload only: its runs stay, the note names the failed one', async () => {
  const base = sampleReportData().baselines!;
  const runs = base.pgbench.available ? base.pgbench.runs.filter((r) => r.workload === 'read') : [];
  const data = sampleReportData({
    baselines: { ...base, pgbench: { available: true, runs, failed: [{ workload: 'write', reason: 'boom' }] } },
  });
  const { html } = await written(data);
  expect(html).toContain('its write run failed — no pgbench baseline for write. boom');
  expect(figureCells(html).get('prisma-read|opsVsPgbench')?.value).toBe(4199.3 / 32762.4);
  expect(figureCells(html).get('prisma-write|opsVsPgbench')?.text).toBe('—');
  expectFiguresMatch(html, data);
});

test('no baselines at all, no lag samples, no histogram: says so instead of drawing empty charts', async () => {
  const data = sampleReportData({
    baselines: null,
    lagSeries: [],
    paths: sampleReportData().paths.map(({ histogram: _h, ...p }) => p),
  });
  const { html } = await written(data);
  expect(html).toContain('No baselines were run for this report');
  expect(chartKinds(html)).toEqual(['latency', 'throughput', 'reads-per-node']);
  expect(html).toMatch(/<figure class="chart" data-chart="lag-ms"><div class="empty">[^<]*No lag samples/);
  expect(figureCells(html).get('prisma-read|opsVsRawPg')?.text).toBe('—');
});

test('an unwritable folder is an error that names it', async () => {
  const file = path.join(dir, 'a-file');
  await fs.writeFile(file, 'x');
  await expect(writeReport(path.join(file, 'sub'), sampleReportData())).rejects.toThrow(
    /Could not write the report into .*a-file/,
  );
});

test('the figure check notices a wrong ratio, baseline or section cell', async () => {
  const data = sampleReportData({
    sections: [{ id: 'extra', title: 'Extra', columns: ['name', 'ms'], rows: [['a', 1.5]] }],
  });
  const { html } = await written(data);
  expectFiguresMatch(html, data);
  const ratio = /(data-path="prisma-read" data-field="opsVsRawPg" data-value=")([^"]*)"/;
  const baseline = /(data-path="pgbench:read" data-field="p50Ms" data-value=")([^"]*)"/;
  const section = /(data-section="extra" data-column="ms" data-value=")([^"]*)"/;
  for (const cell of [ratio, baseline, section]) {
    expect(html).toMatch(cell);
    expect(() => expectFiguresMatch(html.replace(cell, '$1999"'), data)).toThrow();
  }
});
