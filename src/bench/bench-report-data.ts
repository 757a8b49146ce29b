// Maps a BenchReport into the report's ReportData: paths, pgbench and raw-pg baselines, lag over the run, reads
// per node, and the ratios as a section of their own.
import type { RawPgResult } from '../baseline/baseline-result';
import { reportBaselines } from '../report/report-baselines';
import type { ReportData, ReportPath, ReportSection } from '../report/report-data';
import { environmentRows } from './bench-environment';
import { PATH } from './bench-paths';
import { rawPgBaseline } from './bench-baselines';
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
    meanMs: p.meanMs,
    opsPerSec: p.opsPerSec,
    histogram: p.histogram,
  };
}

/** Whether a ratio meets its target: null when it has none. */
export function meetsTarget(r: BenchRatio): boolean | null {
  return r.targetP50Ratio === undefined ? null : r.p50Ratio <= r.targetP50Ratio;
}

/** The ratios as a table: p50, mean and ops/s of the numerator over the denominator's, and the target. */
export function ratiosSection(report: BenchReport): ReportSection {
  return {
    id: 'ratios',
    title: 'Ratios between paths (same run, same rounds)',
    description:
      'Latency ratios above 1 mean the first path is slower; ops/s ratios below 1 mean it does fewer operations. ' +
      'The router target is at most 1.05× the bare extension’s median latency.',
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

/** The ReportData of a bench run (title `rwsplit bench`). */
export function benchReportData(report: BenchReport): ReportData {
  const e = report.environment;
  const o = report.options;
  const raw = rawPgBaselines(report);
  const notes = [
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
    environment: {
      ...environmentRows(e),
      'table rows': e.tableRows,
      concurrency: o.concurrency,
      'calls per path': o.iterations,
      rounds: o.rounds,
      'warm-up calls': o.warmup,
      'fallback calls': o.fallbackIterations,
      'commit-to-visible samples': o.commitToVisibleSamples,
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
    sections: [ratiosSection(report)],
  };
}
