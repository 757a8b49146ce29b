// Maps a BenchReport into the report's ReportData: paths, pgbench and raw-pg baselines, lag over the run, reads
// per node, and the ratios as a section of their own.
import type { RawPgResult } from '../baseline/baseline-result';
import { reportBaselines } from '../report/report-baselines';
import type { ReportData, ReportPath, ReportSection } from '../report/report-data';
import { OPEN_LOOP_PATHS } from './open-loop-paths';
import { environmentRows } from '../common/bench-environment';
import { PATH } from './bench-paths';
import { rawPgBaseline } from './raw-pg-baseline';
import type { BenchPathResult, BenchRatio, BenchReport } from './bench-report';

/** The raw-pg baselines: the pg-read / pg-write paths, measured in the same rounds as the paths they limit. */
export function rawPgBaselines(report: BenchReport): { read?: RawPgResult; write?: RawPgResult } {
  const find = (name: string) => report.paths.find((p) => p.name === name);
  const read = find(PATH.pgRead);
  const write = find(PATH.pgWrite);
  return {
    ...(read ? { read: rawPgBaseline(read, 'the standbys') } : {}),
    ...(write ? { write: rawPgBaseline(write, report.environment.primary) } : {}),
  };
}

function reportPath(p: BenchPathResult): ReportPath {
  return {
    name: p.name,
    description: p.description,
    ...(p.workload ? { workload: p.workload } : {}),
    samples: p.samples,
    p50Ms: p.p50Ms,
    p95Ms: p.p95Ms,
    p99Ms: p.p99Ms,
    p999Ms: p.p999Ms,
    meanMs: p.meanMs,
    opsPerSec: p.opsPerSec,
    histogram: p.histogram,
  };
}

/** Whether a ratio meets its target: null when it has none. */
export function meetsTarget(r: BenchRatio): boolean | null {
  // The target holds for the median and for the mean alike.
  return r.targetP50Ratio === undefined ? null : r.p50Ratio <= r.targetP50Ratio && r.meanRatio <= r.targetP50Ratio;
}

/** The ratios as a table: p50, mean and ops/s of the numerator over the denominator's, and the target. */
export function ratiosSection(report: BenchReport): ReportSection {
  return {
    id: 'ratios',
    title: 'Ratios between paths (same run, same rounds)',
    description:
      'Latency ratios above 1 mean the first path is slower; ops/s ratios below 1 mean it does fewer operations. ' +
      'The router target is at most 0.95× the bare extension’s latency, at the median and at the mean.',
    columns: ['ratio', 'numerator', 'denominator', 'p50 ×', 'mean ×', 'ops/s ×', 'p50 target', 'met'],
    rows: report.ratios.map((r) => [
      r.name,
      r.numerator,
      r.denominator,
      r.p50Ratio,
      r.meanRatio,
      r.opsRatio,
      r.targetP50Ratio ?? null,
      meetsTarget(r),
    ]),
  };
}

/** The open-loop table's columns, in the report and in the terminal alike. */
export const OPEN_LOOP_COLUMNS: readonly string[] = Object.freeze([
  'path',
  'offered/s',
  'achieved/s',
  'requests',
  'late',
  'not issued',
  'unfinished',
  'p50 ms',
  'p99 ms',
  'p99.9 ms',
  'max ms',
]);

/** The open-loop runs as a table, and p99 against the offered rate per path as a chart. */
export function openLoopSection(report: BenchReport): ReportSection {
  const runs = report.openLoop;
  return {
    id: 'open-loop',
    title: 'Open-loop latency at fixed offered rates (wrk2 style)',
    description:
      `Requests start on a fixed schedule at the offered rate whatever the responses (${report.options.openLoopSeconds} s ` +
      'per run); each latency counts from the request’s intended start, so a stall shows as queueing delay in the ' +
      'requests behind it. Late: issued over 5 ms after schedule; not issued: dropped at the run’s time bound; ' +
      'unfinished: still in flight then (recorded with the time waited). The figures above are closed-loop.',
    columns: [...OPEN_LOOP_COLUMNS],
    rows: runs.map((r) => [
      r.path,
      r.offeredPerSec,
      r.achievedPerSec,
      r.scheduled,
      r.lateIssued,
      r.notIssued,
      r.unfinished,
      r.p50Ms,
      r.p99Ms,
      r.p999Ms,
      r.maxMs,
    ]),
    chart: {
      xLabel: 'offered rate (requests/s)',
      yLabel: 'p99 latency from intended start (ms)',
      series: OPEN_LOOP_PATHS.filter((name) => runs.some((r) => r.path === name)).map((name) => ({
        name,
        points: runs.filter((r) => r.path === name).map((r) => ({ x: r.offeredPerSec, y: r.p99Ms })),
      })),
    },
  };
}

/** The ReportData of a bench run (title `rwsplit bench`). */
export function benchReportData(report: BenchReport): ReportData {
  const e = report.environment;
  const o = report.options;
  const raw = rawPgBaselines(report);
  const notes = [
    `The figures table is closed-loop: ${o.concurrency} workers per path, each sending its next call when the ` +
      'previous one returns (a slow response also slows the load, so it under-reports queueing).',
    ...(report.openLoop.length > 0
      ? [
          `Open-loop runs (section below): ${OPEN_LOOP_PATHS.join(', ')} at ${o.rates.join(', ')} requests/s offered, ` +
            'latency from each request’s intended start.',
        ]
      : []),
    `Interleaved paths ran in ${o.rounds} rounds whose order rotates, so machine noise hits them alike; ` +
      'the raw-pg baselines are the pg-read and pg-write paths of those rounds.',
    'pgbench read ran on every standby at once, the clients split between them, and pgbench write on the primary, after the rounds, at the same concurrency.',
    `Reads per node count the router's query events: ${report.reads.perNode.reduce((s, n) => s + n.reads, 0)} ` +
      `counted for ${report.reads.issued} router reads issued (router-read and router-metrics-read, warm-up included).`,
    ...report.ratios.map(
      (r) =>
        `${r.name}: p50 ${r.p50Ratio.toFixed(3)}×, ops/s ${r.opsRatio.toFixed(3)}×` +
        (r.targetP50Ratio === undefined
          ? ''
          : ` (target ≤ ${r.targetP50Ratio}×: ${meetsTarget(r) ? 'met' : 'not met'})`),
    ),
    ...report.skipped.map((s) => `Skipped ${s.name}: ${s.reason}`),
    report.options.keep
      ? 'The rows the bench wrote were kept (--keep).'
      : `The ${report.deletedRows} rows the bench wrote were deleted at the end.`,
  ];
  return {
    title: 'rwsplit bench',
    generatedAt: report.finishedAt,
    figuresTitle: `Closed-loop figures (${o.concurrency} workers per path, each waits for its response)`,
    environment: {
      ...environmentRows(e),
      'table rows': e.tableRows,
      concurrency: o.concurrency,
      'calls per path': o.iterations,
      rounds: o.rounds,
      'warm-up calls': o.warmup,
      'fallback calls': o.fallbackIterations,
      'commit-to-visible samples': o.commitToVisibleSamples,
      'open-loop rates': o.rates.join(', '),
      'open-loop seconds': o.openLoopSeconds,
      'pgbench seconds': o.baselineSeconds,
      'started at': report.startedAt,
    },
    paths: report.paths.map(reportPath),
    baselines: reportBaselines([
      {
        workload: 'read',
        ...(report.pgbench ? { pgbench: report.pgbench.read } : {}),
        ...(raw.read ? { rawPg: raw.read } : {}),
      },
      {
        workload: 'write',
        ...(report.pgbench ? { pgbench: report.pgbench.write } : {}),
        ...(raw.write ? { rawPg: raw.write } : {}),
      },
    ]),
    lagSeries: report.lagSeries,
    readsPerNode: report.reads.perNode,
    notes,
    sections: [ratiosSection(report), ...(report.openLoop.length > 0 ? [openLoopSection(report)] : [])],
  };
}
