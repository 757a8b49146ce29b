// report.html rendered by headless Chromium (Debian's `chromium`): after rendering, the DOM holds every chart
// (vega's SVG, each mark labelled with its figure) and the figures equal the JSON; a screenshot is produced. Skipped, saying how to install, without Chromium.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { consistencyReportData } from '../../../src/bench/consistency/consistency-report';
import { runConsistencyBench } from '../../../src/bench/consistency/run-consistency-bench';
import { loadConfig } from '../../../src/config';
import { CHROMIUM_INSTALL_HINT, dumpDom, screenshot } from '../../../src/bench/report/headless-chromium';
import { writeReport } from '../../../src/bench/report/write-report';
import { expectFiguresMatch } from './expect-figures';
import { chartKinds } from './read-html';
import { sampleReportData } from './sample-report-data';

const CHROMIUM = 'chromium';
const installed = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).status === 0;
if (!installed) console.warn(`Chromium report test skipped: chromium is not installed; ${CHROMIUM_INSTALL_HINT}.`);
const withChromium = installed ? test : test.skip;

jest.setTimeout(120_000);

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rwsplit-report-chromium-'));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

withChromium('the rendered DOM holds every chart and the figures of the JSON', async () => {
  const data = sampleReportData();
  const { htmlPath, jsonPath } = await writeReport(dir, data);
  const dom = await dumpDom(CHROMIUM, htmlPath);
  // Chromium parsed the page (it serialises its own DOM, e.g. with the svg namespace resolved).
  expect(dom).toMatch(/^<!DOCTYPE html>\s*<html lang="en"><head>/);
  expect(chartKinds(dom)).toEqual([
    'latency',
    'latency-histogram',
    'throughput',
    'lag-ms',
    'lag-bytes',
    'reads-per-node',
  ]);
  expect(dom.match(/<svg\b/g)).toHaveLength(6);
  expectFiguresMatch(dom, JSON.parse(await fs.readFile(jsonPath, 'utf8')));
});

withChromium(
  'a real bench:consistency run: baselines, ratio cells and sections in the DOM equal the JSON',
  async () => {
    // A tiny run on the test cluster, baselines included (pgbench where installed), so the page holds real figures.
    const result = await runConsistencyBench(loadConfig(), {
      pairs: 20,
      concurrency: 4,
      modes: ['eventual', 'primary'],
      scenarios: ['none'],
      writeRate: 50,
      baselineSeconds: 1,
      baselineOps: 200,
    });
    const { htmlPath, jsonPath } = await writeReport(path.join(dir, 'consistency'), consistencyReportData(result));
    const dom = await dumpDom(CHROMIUM, htmlPath);
    const json = JSON.parse(await fs.readFile(jsonPath, 'utf8'));
    expect(json.baselines.rawPg).toHaveLength(2);
    // Other sections may follow (the bench adds its own); the baseline ratios are always there.
    expect(json.sections.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining(['baseline-ratios']));
    expect(dom).toContain('<table class="baselines">');
    expect(dom).toContain('data-section="baseline-ratios"');
    expectFiguresMatch(dom, json);
  },
);

withChromium('a screenshot of the page is a real PNG of the requested size', async () => {
  const { htmlPath } = await writeReport(dir, sampleReportData());
  const png = path.join(dir, 'report.png');
  await screenshot(CHROMIUM, htmlPath, png, { width: 1200, height: 1600 });
  const bytes = await fs.readFile(png);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  // IHDR: width and height, big-endian, at bytes 16..24.
  expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1200, 1600]);
  // A blank page compresses to a few kB; charts and tables do not.
  expect(bytes.length).toBeGreaterThan(50_000);
});
