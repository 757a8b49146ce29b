// Maps a ScaleReport into ReportData: two sections (table + line chart each), no paths of its own.
import type { ReportData, ReportSection } from '../report/report-data';
import { environmentRows } from '../common/bench-environment';
import { CHECK_TARGET } from './run-scale-study';
import type { ScaleReport } from './scale-report';

/** Whether the check met its target at `rows` (null below the target's size: no target there). */
export function checkMeetsTarget(rows: number, checkMs: number): boolean | null {
  return rows >= CHECK_TARGET.rows ? checkMs < CHECK_TARGET.ms : null;
}

export function consistencySection(report: ScaleReport): ReportSection {
  const points = report.consistency;
  return {
    id: 'consistency-scale',
    title: 'Consistency check time and commit-to-visible vs rows per node',
    description:
      `npm run consistency's check (row count + per-chunk md5 in PostgreSQL, every node in parallel) after the ` +
      `standbys replayed the seeded rows. Target: ${CHECK_TARGET.rows.toLocaleString('en-US')} rows in < ` +
      `${CHECK_TARGET.ms / 1000} s. Then, at the same size and with no other load, commit-to-visible on standby1 ` +
      '(a probe every 10 ms for a second).',
    columns: [
      'rows',
      'check ms',
      'slowest node ms',
      'chunks',
      'equal',
      'seed + replay ms',
      'under 3 s at 1M',
      'commit-to-visible p50 ms',
      'p99 ms',
    ],
    rows: points.map((p) => [
      p.rows,
      p.checkMs,
      p.slowestNodeMs,
      p.chunks,
      p.equal,
      p.seedMs,
      checkMeetsTarget(p.rows, p.checkMs),
      p.commitToVisible.p50Ms,
      p.commitToVisible.p99Ms,
    ]),
    chart: {
      xLabel: 'rows per node',
      yLabel: 'time (ms)',
      logX: true,
      series: [
        { name: 'check', points: points.map((p) => ({ x: p.rows, y: p.checkMs })) },
        { name: 'slowest node', points: points.map((p) => ({ x: p.rows, y: p.slowestNodeMs })) },
      ],
    },
  };
}

export function writeRateSection(report: ScaleReport): ReportSection {
  const points = report.writeRate;
  return {
    id: 'write-rate-lag',
    title: 'Commit-to-visible vs write rate',
    description:
      `A paced background writer (single-row INSERTs, ${report.options.writerConnections} connections) ran for ` +
      `${report.options.rateSeconds} s per rate while a probe every ${report.options.probeIntervalMs} ms timed ` +
      `commit-to-visible on standby1 (the probes add ${Math.round(1000 / report.options.probeIntervalMs)} ` +
      'writes/s at most); max lag is pg_stat_replication sampled every 100 ms.',
    columns: [
      'target writes/s',
      'achieved writes/s',
      'probes',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'max lag bytes',
      'max lag ms',
    ],
    rows: points.map((p) => [
      p.targetRate,
      p.achievedRate,
      p.samples,
      p.p50Ms,
      p.p95Ms,
      p.p99Ms,
      p.maxMs,
      p.maxLagBytes,
      p.maxLagMs,
    ]),
    chart: {
      xLabel: 'background writes per second (achieved)',
      yLabel: 'commit-to-visible (ms)',
      logX: true,
      series: (['p50Ms', 'p95Ms', 'p99Ms'] as const).map((field) => ({
        name: field.replace('Ms', ''),
        points: points.map((p) => ({ x: p.achievedRate, y: p[field] })),
      })),
    },
  };
}

export function scaleReportData(report: ScaleReport): ReportData {
  const e = report.environment;
  return {
    title: 'rwsplit bench: scale study',
    generatedAt: report.finishedAt,
    environment: {
      ...environmentRows(e),
      'table rows at start': e.tableRows,
      'table rows at end': report.cleanup.finalRows,
      'started at': report.startedAt,
    },
    paths: [],
    baselines: null,
    lagSeries: report.lagSeries,
    readsPerNode: [],
    notes: [
      `The lag charts cover the write-rate series: ${report.options.rates.join(', ')} writes/s in turn, ` +
        `${report.options.rateSeconds} s each, with a gap while the standbys caught up in between.`,
      report.options.keep
        ? 'The rows the study added were kept (--keep).'
        : `The ${report.cleanup.deletedRows} rows the study added were deleted afterwards.`,
    ],
    sections: [consistencySection(report), writeRateSection(report)],
  };
}
