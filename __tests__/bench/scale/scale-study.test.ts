// The scale study's code path with tiny sizes on the real cluster: the check and commit-to-visible at two sizes, two write rates, the
// report sections, and the clean-up that returns the table to its size.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { COUNT_ROWS } from '../../../src/bench/common/seed-rows';
import { writeResults } from '../../../src/bench/common/write-results';
import { formatScaleReport } from '../../../src/bench/scale/format-scale-report';
import { runScaleStudy } from '../../../src/bench/scale/run-scale-study';
import { scaleReportData } from '../../../src/bench/scale/scale-report-data';
import { loadConfig } from '../../../src/config';
import { queryOnce } from '../../../src/db/pg-client';

const config = loadConfig();
const count = async (url: string) => Number((await queryOnce<{ n: string }>(url, COUNT_ROWS))[0]!.n);

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rwsplit-scale-test-'));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

test('measures the check per size and commit-to-visible per rate, then deletes the rows it added', async () => {
  const before = await count(config.primaryUrl);
  const sizes = [before + 200, before + 1500];
  const report = await runScaleStudy(config, { rows: sizes, rates: [50, 300], rateSeconds: 1, probeIntervalMs: 20 });

  expect(report.consistency.map((p) => p.requestedRows)).toEqual(sizes);
  for (const [i, p] of report.consistency.entries()) {
    expect(p.rows).toBeGreaterThanOrEqual(sizes[i]!);
    expect(p.equal).toBe(true);
    expect(p.checkMs).toBeGreaterThan(0);
    expect(p.chunks).toBeGreaterThan(0);
    expect(p.commitToVisible.samples).toBeGreaterThan(0);
    expect(p.commitToVisible.p50Ms).toBeGreaterThan(0);
    expect(p.commitToVisible.p50Ms).toBeLessThanOrEqual(p.commitToVisible.p99Ms);
  }
  expect(report.writeRate.map((p) => p.targetRate)).toEqual([50, 300]);
  for (const p of report.writeRate) {
    expect(p.writes).toBeGreaterThan(0);
    expect(p.achievedRate).toBeGreaterThan(0);
    expect(p.samples).toBeGreaterThan(0);
    expect(p.p50Ms).toBeGreaterThan(0);
    expect(p.p50Ms).toBeLessThanOrEqual(p.p99Ms);
  }
  expect(report.lagSeries.length).toBe(config.replicaUrls.length);

  // Everything the study added is gone again, on the primary and (once replayed) on the standbys.
  expect(report.cleanup.deletedRows).toBeGreaterThanOrEqual(1500);
  expect(report.cleanup.finalRows).toBe(before);
  expect(await count(config.primaryUrl)).toBe(before);
  expect(await count(config.replicaUrls[0]!)).toBe(before);

  const written = await writeResults(dir, 'bench-scale', scaleReportData(report));
  const json = JSON.parse(await fs.readFile(written.run.jsonPath, 'utf8')) as ReturnType<typeof scaleReportData>;
  expect(json.sections?.map((s) => s.id)).toEqual(['consistency-scale', 'write-rate-lag']);
  expect(json.sections?.[0]?.rows.map((r) => r[0])).toEqual(report.consistency.map((p) => p.rows));
  expect(json.sections?.[1]?.rows.map((r) => r[0])).toEqual([50, 300]);
  const html = await fs.readFile(written.latest.htmlPath, 'utf8');
  expect(html).toContain('data-chart="consistency-scale"');
  expect(html).toContain('data-chart="write-rate-lag"');
  expect(html).not.toContain('<h2>Figures</h2>');

  const text = formatScaleReport(report);
  expect(text).toContain('Consistency check time and commit-to-visible (c2v, standby1, no load) vs rows');
  expect(json.sections?.[0]?.rows.map((r) => r.at(-2))).toEqual(report.consistency.map((p) => p.commitToVisible.p50Ms));
  expect(text).toContain('Commit-to-visible on standby1 vs background write rate');
  expect(text).toContain(`Deleted the ${report.cleanup.deletedRows.toLocaleString('en-US')} rows`);
});
