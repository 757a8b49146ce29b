// The bench on the real cluster, with tiny numbers: the report's shape and sanity, not its speed.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runPgbenchBaselines } from '../../../src/bench/baseline/run-pgbench-baselines';
import { LATEST_ROWS_SQL, PGBENCH_WRITE_SQL } from '../../../src/bench/reads/bench-paths';
import { PATH } from '../../../src/bench/reads/bench-paths';
import { benchReportData } from '../../../src/bench/reads/bench-report-data';
import type { BenchReport } from '../../../src/bench/reads/bench-report';
import { formatBenchReport } from '../../../src/bench/reads/format-bench-report';
import type { ProgressEvent } from '../../../src/bench/common/progress-tracker';
import { runBench } from '../../../src/bench/reads/run-bench';
import { writeResults } from '../../../src/bench/common/write-results';
import { loadConfig } from '../../../src/config';
import { COUNT_ROWS } from '../../../src/bench/common/seed-rows';
import { queryOnce } from '../../../src/db/pg-client';
import { nodeAddress } from 'rwsplit';
import type { ReportData } from '../../../src/bench/report/report-data';
import { locatePsql } from '../../../src/writer/psql-locator';

const config = loadConfig();
const tiny = {
  iterations: 30,
  rounds: 3,
  warmup: 2,
  concurrency: 2,
  rows: 100,
  fallbackIterations: 3,
  commitToVisibleSamples: 5,
  baselineSeconds: 1,
  rates: [20, 50],
  openLoopSeconds: 1,
  memorySamples: 1,
};

let dir: string;
let report: BenchReport;
const lines: string[] = [];
const progress: ProgressEvent[] = [];
const count = async () => Number((await queryOnce<{ n: string }>(config.primaryUrl, COUNT_ROWS))[0]!.n);
let rowsBefore: number;
let rowsAfter: number;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rwsplit-bench-test-'));
  rowsBefore = await count();
  report = await runBench(config, { ...tiny, log: (l) => lines.push(l), onProgress: (e) => progress.push(e) });
  rowsAfter = await count();
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

test('the memory study sets each client kind against one plain PrismaClient, in processes of its own', () => {
  const kinds = report.memory!.kinds;
  expect(kinds.map((k) => k.kind)).toEqual(['plain', 'extension', 'rwsplit']);
  expect(kinds[0]).toMatchObject({ rssRatio: 1, addedRatio: 1 });
  for (const k of kinds) expect(k.rssMiB).toBeGreaterThan(k.addedMiB);
  // The extension holds a PrismaClient per node (three here); rwsplit one, over a pool per node.
  const [, extension, rwsplit] = kinds;
  expect(rwsplit!.addedMiB).toBeLessThan(extension!.addedMiB);
});

test('measures every path, side by side in rounds, with positive figures', async () => {
  expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  const names = report.paths.map((p) => p.name);
  expect(names).toEqual(
    expect.arrayContaining([
      PATH.extensionRead,
      PATH.routerRead,
      PATH.routerMetricsRead,
      PATH.pgRead,
      PATH.routerWrite,
      PATH.pgWrite,
      PATH.commitToVisible,
    ]),
  );
  // With the psql fallback configured and a psql on the machine (npm test's pretest installs one), it must run.
  expect(config.writer.fallback).toBe('psql');
  await expect(locatePsql()).resolves.toBeDefined();
  expect(names.some((n) => n.startsWith(PATH.fallbackWritePrefix))).toBe(true);
  expect(report.skipped.filter((s) => s.name === 'fallback-write')).toEqual([]);
  for (const p of report.paths) {
    const expected = p.name === PATH.commitToVisible ? 5 : p.name.startsWith(PATH.fallbackWritePrefix) ? 3 : 30;
    expect({ path: p.name, samples: p.samples }).toEqual({ path: p.name, samples: expected });
    for (const v of [p.p50Ms, p.p95Ms, p.p99Ms, p.meanMs, p.opsPerSec, p.wallMs]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
    }
    expect(p.p50Ms).toBeLessThanOrEqual(p.p95Ms);
    expect(p.p95Ms).toBeLessThanOrEqual(p.p99Ms);
    expect(p.histogram.reduce((s, b) => s + b.count, 0)).toBe(p.samples);
  }
  for (const name of [PATH.extensionRead, PATH.routerRead, PATH.routerMetricsRead, PATH.pgRead]) {
    expect(report.paths.find((p) => p.name === name)?.rounds).toBe(3);
  }
  expect(lines.some((l) => l.includes('6 paths in 3 rounds'))).toBe(true);
});

test('ratios: router / extension (with its 0.95 target), metrics on / off, Prisma / raw pg', () => {
  const byName = new Map(report.ratios.map((r) => [r.name, r]));
  const router = byName.get('router / extension (read)');
  expect(router).toMatchObject({ numerator: PATH.routerRead, denominator: PATH.extensionRead, targetP50Ratio: 0.95 });
  expect(byName.get('metrics on / off (router read)')).toMatchObject({
    numerator: PATH.routerMetricsRead,
    denominator: PATH.routerRead,
  });
  expect(byName.has('extension / raw pg (read)')).toBe(true);
  expect(byName.has('router / raw pg (write)')).toBe(true);
  for (const r of report.ratios) {
    for (const v of [r.p50Ratio, r.meanRatio, r.opsRatio]) expect(v).toBeGreaterThan(0);
  }
});

test('open loop: extension read, router read and router write at each offered rate, every request issued', () => {
  expect(report.openLoop.map((r) => `${r.path}@${r.offeredPerSec}`).sort()).toEqual(
    [PATH.extensionRead, PATH.routerRead, PATH.routerWrite].flatMap((p) => [`${p}@20`, `${p}@50`]).sort(),
  );
  for (const r of report.openLoop) {
    // 1 s of schedule at a rate this low: every request issued and completed within the run's bound.
    expect(r).toMatchObject({ scheduled: r.offeredPerSec, issued: r.offeredPerSec, notIssued: 0, unfinished: 0 });
    expect(r.completed).toBe(r.scheduled);
    expect(r.achievedPerSec).toBeGreaterThan(0);
    expect(r.p50Ms!).toBeGreaterThan(0);
    expect(r.p50Ms!).toBeLessThanOrEqual(r.p99Ms!);
    expect(r.p99Ms!).toBeLessThanOrEqual(r.p999Ms!);
  }
  const text = formatBenchReport(report);
  expect(text).toContain('CLOSED-LOOP');
  expect(text).toContain('OPEN-LOOP');
});

test('reads per node: the router reads the events counted, on the standbys, equal the reads it was sent', () => {
  const standbys = new Set(config.replicaUrls.map((u) => nodeAddress(u).name));
  const counted = report.reads.perNode.reduce((s, n) => s + n.reads, 0);
  // router-read and router-metrics-read, warm-up included, and router-read's open-loop requests; all succeeded.
  const openLoopReads = report.openLoop.filter((r) => r.path === PATH.routerRead).reduce((n, r) => n + r.issued, 0);
  expect(openLoopReads).toBe(20 + 50);
  expect(report.reads.issued).toBe((tiny.warmup + tiny.iterations) * 2 + openLoopReads);
  expect(counted).toBe(report.reads.issued);
  for (const n of report.reads.perNode) {
    const address = /\((.*)\)$/.exec(n.node)?.[1] ?? n.node;
    // With healthy standbys under the lag limits, eventual reads never need the primary.
    expect(standbys.has(address)).toBe(true);
    expect(n.node).toMatch(/^standby\d \(/);
  }
});

test('lag was sampled for each standby during the run; pgbench ran or says why not', () => {
  expect(report.lagSeries.map((s) => s.node).sort()).toEqual(config.replicaUrls.map((_, i) => `standby${i + 1}`));
  for (const s of report.lagSeries) {
    expect(s.points.length).toBeGreaterThan(1);
    expect(s.points.some((p) => p.lagBytes !== null)).toBe(true);
  }
  expect(report.pgbench).not.toBeNull();
  for (const outcome of [report.pgbench!.read, report.pgbench!.write]) {
    if (outcome.status === 'ok') expect(outcome.opsPerSec).toBeGreaterThan(0);
    else expect(report.skipped.map((s) => s.reason)).toContain(outcome.reason);
  }
  // Progress reached the end, never went backwards, never passed the total.
  expect(progress.at(-1)).toMatchObject({ phase: 'done' });
  for (let i = 1; i < progress.length; i++) expect(progress[i]!.done).toBeGreaterThanOrEqual(progress[i - 1]!.done);
  expect(progress.every((e) => e.done <= e.total)).toBe(true);
});

test('writes report.json and report.html into a timestamped folder and bench-latest', async () => {
  const written = await writeResults(dir, 'bench', benchReportData(report), new Date('2026-11-25T17:00:00Z'));
  expect(written.run.dir).toBe(path.join(dir, 'bench-2026-11-25T17-00-00Z'));
  expect(written.latest.dir).toBe(path.join(dir, 'bench-latest'));
  const json = JSON.parse(await fs.readFile(written.run.jsonPath, 'utf8')) as ReportData;
  const html = await fs.readFile(written.latest.htmlPath, 'utf8');
  expect(JSON.parse(await fs.readFile(written.latest.jsonPath, 'utf8'))).toEqual(json);

  const paths = new Map(json.paths.map((p) => [p.name, p]));
  for (const name of [PATH.extensionRead, PATH.routerRead, PATH.routerMetricsRead]) {
    expect(paths.get(name)).toMatchObject({ workload: 'read', samples: tiny.iterations });
    expect(paths.get(name)!.p50Ms).toBeGreaterThan(0);
    expect(paths.get(name)!.opsPerSec).toBeGreaterThan(0);
    expect(html).toContain(`data-path="${name}"`);
  }
  const ratios = json.sections?.find((s) => s.id === 'ratios');
  expect(ratios?.rows.length).toBe(report.ratios.length);
  for (const row of ratios!.rows) expect(row[3]).toBeGreaterThan(0);
  expect(json.baselines?.rawPg.map((b) => b.workload)).toEqual(['read', 'write']);
  expect(json.baselines?.rawPg[0]?.opsPerSec).toBe(paths.get(PATH.pgRead)?.opsPerSec);
  expect(json.readsPerNode).toEqual(report.reads.perNode);
  expect(json.lagSeries).toEqual(report.lagSeries);
  for (const kind of ['latency', 'throughput', 'lag-bytes', 'reads-per-node']) {
    expect(html).toContain(`data-chart="${kind}"`);
  }
  expect(html).toContain('data-section="ratios"');
  expect(json.sections?.find((s) => s.id === 'open-loop')?.rows).toHaveLength(report.openLoop.length);
  expect(html).toContain('data-chart="open-loop"');
  expect(html).toContain('Closed-loop figures');
  expect(html).not.toContain(config.cluster.appPassword);

  const text = formatBenchReport(report);
  for (const p of report.paths) expect(text).toContain(p.name);
  expect(text).toContain('router / extension (read)');
  expect(text).toContain('p99 ms');
  expect(text).not.toContain(config.cluster.appPassword);
});

test('the rows the bench wrote are deleted at the end; the seeded rows stay', () => {
  // Router and raw-pg writes (warm-up included), fallback writes and their probe, commit-to-visible probes…
  expect(report.deletedRows).toBeGreaterThanOrEqual((tiny.warmup + tiny.iterations) * 2 + tiny.commitToVisibleSamples);
  expect(rowsAfter).toBe(Math.max(rowsBefore, tiny.rows));
});

test('without pgbench the baselines say so and the report says "pgbench not installed"', async () => {
  const missing = await runPgbenchBaselines(config, {
    clients: 1,
    seconds: 1,
    pgbench: '/nonexistent/pgbench',
    readSql: LATEST_ROWS_SQL,
    writeSql: PGBENCH_WRITE_SQL,
  });
  expect(missing.read.status).toBe('unavailable');
  expect(missing.write.status).toBe('unavailable');
  const data = benchReportData({ ...report, pgbench: missing });
  expect(data.baselines?.pgbench.available).toBe(false);
  const written = await writeResults(path.join(dir, 'no-pgbench'), 'bench', data);
  const html = await fs.readFile(written.run.htmlPath, 'utf8');
  expect(html).toContain('pgbench not installed');
  expect(html).toContain('data-path="router-read"');
});
