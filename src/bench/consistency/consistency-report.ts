// The consistency bench's results as a report folder: report.json + report.html via the bench's writeResults,
// into results/bench-consistency-<timestamp>/ and again into results/bench-consistency-latest/.
import { type WrittenResults, writeResults } from '../common/write-results';
import { reportBaselines } from '../report/report-baselines';
import type { ReportData, ReportPath, ReportSection } from '../report/report-data';
import { describeBaselines, modeRatios } from './consistency-baselines';
import { errorLines, extraTables, slowestReadLines } from './consistency-tables';
import type { ModeResult } from './mode-result';
import type { ConsistencyBenchResult } from './run-consistency-bench';

/** report.json carries the full results beside the generic report fields. */
export type ConsistencyReportData = ReportData & {
  readonly consistency: Omit<ConsistencyBenchResult, 'lagSeries' | 'readsPerNode' | 'environment'>;
};

const pct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.001 ? 3 : 1)}%`;

/** The sessions' later reads in words. */
function sessions(r: ModeResult): string {
  if (r.sessionReads < 2) return 'sessions read once';
  return (
    `${r.nonMonotonic} of ${r.pairs} sessions non-monotonic (${r.sessionReads} reads each, monotonicReads ` +
    `${r.monotonicReads ? 'on' : 'off'}; ${r.laterReadsFailed} later reads failed)`
  );
}

/** One sentence per mode: what the HTML table has no column for. */
export function modeSentence(r: ModeResult): string {
  const fallbacks = Object.entries(r.fallbacks)
    .map(([reason, n]) => `${n} fell back to the primary (${reason})`)
    .join(', ');
  const cost = r.routingCost
    ? `; ${r.routingCost.positionQueries} primary position queries and ${r.routingCost.replayQueries} replica ` +
      `replay queries (${r.routingCost.primaryRoundTripsPerRead.toFixed(3)} and ` +
      `${r.routingCost.replayQueriesPerRead.toFixed(3)} per read)`
    : '';
  const f = r.fault;
  const fault = f
    ? `; during the fault (${f.frozen} frozen, ${f.killed ?? 'no standby'} killed) ${f.reads} reads, ` +
      `${f.failed} failed, ${f.stale} stale, ${f.retried} retried, max ${f.read ? f.read.maxMs.toFixed(1) : '—'} ms ` +
      `(bound ${f.readBoundMs} ms)`
    : '';
  return (
    `${r.scenario}/${r.mode} (${r.lag}): ${r.stale} of ${r.pairs} reads stale (${pct(r.staleRate)}), ` +
    `${r.failedReads} failed, ${sessions(r)}, ` +
    `${pct(r.replicaShare)} served by replicas${fallbacks ? `, ${fallbacks}` : ''}${cost}${fault}; ` +
    `ran from ${(r.startMs / 1000).toFixed(1)} s to ${(r.endMs / 1000).toFixed(1)} s of the run` +
    `${r.note ? `; ${r.note}` : ''}.`
  );
}

function reportPath(r: ModeResult): ReportPath {
  return {
    name: `${r.scenario}/${r.mode}`,
    description:
      `${r.mode} write→read pairs, ${r.lag}: read latency; ops/s counts pairs. ` +
      `${r.stale} of ${r.pairs} reads stale, ${r.nonMonotonic} sessions non-monotonic, ${r.failedReads} failed, ` +
      `${pct(r.replicaShare)} on replicas.`,
    // Its figures are the read's: compared with the read-by-id baselines.
    workload: 'read',
    samples: r.pairs,
    p50Ms: r.read.p50Ms,
    p95Ms: r.read.p95Ms,
    p99Ms: r.read.p99Ms,
    meanMs: r.read.meanMs,
    opsPerSec: r.pairsPerSec,
  };
}

/** Each mode's read and write p50 as ratios to the baselines' p50, as a table of the report. */
export function baselineRatiosSection(result: ConsistencyBenchResult): ReportSection {
  return {
    id: 'baseline-ratios',
    title: 'Pairs against the baselines (p50 ÷ baseline p50)',
    description:
      `The baselines ran the pair's SQL at the pairs' concurrency (${result.baselines.clients}), after the pairs, ` +
      'under the same background load: the read by id split over the standbys, the insert on the primary. ' +
      'Above 1: the pair’s read or write is slower than the same SQL through pgbench or raw pg.',
    columns: [
      'path',
      'read p50 ms',
      'read ÷ pgbench',
      'read ÷ raw pg',
      'write p50 ms',
      'write ÷ pgbench',
      'write ÷ raw pg',
    ],
    rows: result.modes.map((m) => {
      const r = modeRatios(m, result.baselines);
      return [
        `${m.scenario}/${m.mode}`,
        m.read.p50Ms,
        r.readVsPgbench,
        r.readVsRawPg,
        m.write.p50Ms,
        r.writeVsPgbench,
        r.writeVsRawPg,
      ];
    }),
  };
}

/** Maps the results into the report's data. */
export function consistencyReportData(result: ConsistencyBenchResult): ConsistencyReportData {
  const { lagSeries, readsPerNode, environment, ...consistency } = result;
  const notes = [
    ...(result.aborted ? ['The run was interrupted: the figures cover the pairs that ran.'] : []),
    'Each pair writes a row through the router and at once reads it back by id; a read is stale when it does not ' +
      `return that row. The same session then reads the row again, ${result.options.sessionReads} reads in all; ` +
      'a session is non-monotonic when a read returned the row and a later one returned null. Latency figures are ' +
      'those of the read-back, routing included; ops/s counts pairs (sessions).',
    ...result.modes.map(modeSentence),
    ...result.targets.map((t) => `Target ${t.met ? 'met' : 'NOT met'}: ${t.name} — measured ${t.measured}.`),
    ...slowestReadLines(result.modes).map((line) => `${line}.`),
    ...errorLines(result.modes).map((line) => `Failed read: ${line}.`),
    ...result.skipped.map((s) => `${s.scenario}/${s.mode} skipped: ${s.reason}.`),
    ...result.recovered.map((r) => `Before this run: undid what an interrupted earlier run had left (${r}).`),
    'Baselines (pgbench where installed, and raw pg): the pair’s SQL — SELECT … WHERE id = $1 on the standbys, ' +
      'INSERT … RETURNING id on the primary — at the pairs’ concurrency, in the same run. pgbench’s read ran on ' +
      'every standby at once with the clients split between them; raw pg’s read used the standbys in turn. ' +
      'Neither can tell a stale read: they are the latency and throughput limits of the same SQL.',
    ...describeBaselines(result.baselines),
  ];
  const b = result.baselines;
  return {
    title: 'rwsplit bench:consistency',
    generatedAt: result.finishedAt,
    environment,
    paths: result.modes.map(reportPath),
    baselines: reportBaselines(
      [
        {
          workload: 'read',
          ...(b.pgbench ? { pgbench: b.pgbench.read } : {}),
          ...(b.rawPg ? { rawPg: b.rawPg.read } : {}),
        },
        {
          workload: 'write',
          ...(b.pgbench ? { pgbench: b.pgbench.write } : {}),
          ...(b.rawPg ? { rawPg: b.rawPg.write } : {}),
        },
      ],
      b.notRun ?? undefined,
    ),
    lagSeries,
    readsPerNode,
    notes,
    sections: [baselineRatiosSection(result), ...extraTables(result.modes)],
    consistency,
  };
}

/**
 * Writes the report twice, like every bench (writeResults): under the run's start time, and as the latest.
 * `resultsDir` defaults to <project>/results.
 */
export async function writeConsistencyReport(
  result: ConsistencyBenchResult,
  resultsDir?: string,
): Promise<WrittenResults> {
  return writeResults(resultsDir, 'bench-consistency', consistencyReportData(result), new Date(result.startedAt));
}
