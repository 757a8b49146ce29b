// The consistency bench's results as a report folder: report.json + report.html via writeReport, into
// results/bench-consistency-<timestamp>/ and again into results/bench-consistency-latest/.
import path from 'node:path';
import { PROJECT_ROOT } from '../config';
import type { ReportData, ReportPath } from '../report/report-data';
import { writeReport } from '../report/write-report';
import type { ModeResult } from './mode-result';
import type { ConsistencyBenchResult } from './run-consistency-bench';

/** report.json carries the full results beside the generic report fields. */
export type ConsistencyReportData = ReportData & {
  readonly consistency: Omit<ConsistencyBenchResult, 'lagSeries' | 'readsPerNode' | 'environment'>;
};

const pct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.001 ? 3 : 1)}%`;

/** One sentence per mode: what the HTML table has no column for. */
export function modeSentence(r: ModeResult): string {
  const fallbacks = Object.entries(r.fallbacks)
    .map(([reason, n]) => `${n} fell back to the primary (${reason})`)
    .join(', ');
  return (
    `${r.scenario}/${r.mode} (${r.lag}): ${r.stale} of ${r.pairs} reads stale (${pct(r.staleRate)}), ` +
    `${pct(r.replicaShare)} served by replicas${fallbacks ? `, ${fallbacks}` : ''}; ` +
    `ran from ${(r.startMs / 1000).toFixed(1)} s to ${(r.endMs / 1000).toFixed(1)} s of the run` +
    `${r.note ? `; ${r.note}` : ''}.`
  );
}

function reportPath(r: ModeResult): ReportPath {
  return {
    name: `${r.scenario}/${r.mode}`,
    description:
      `${r.mode} write→read pairs, ${r.lag}: read latency; ops/s counts pairs. ` +
      `${r.stale} of ${r.pairs} reads stale, ${pct(r.replicaShare)} on replicas.`,
    samples: r.pairs,
    p50Ms: r.read.p50Ms,
    p95Ms: r.read.p95Ms,
    p99Ms: r.read.p99Ms,
    meanMs: r.read.meanMs,
    opsPerSec: r.pairsPerSec,
  };
}

/** Maps the results into the report's data. */
export function consistencyReportData(result: ConsistencyBenchResult): ConsistencyReportData {
  const { lagSeries, readsPerNode, environment, ...consistency } = result;
  const notes = [
    ...(result.aborted ? ['The run was interrupted: the figures cover the pairs that ran.'] : []),
    'Each pair writes a row through the router and at once reads it back by id; a read is stale when it does not ' +
      'return that row. Latency figures are those of the read, routing included; ops/s counts pairs.',
    ...result.modes.map(modeSentence),
    ...result.targets.map((t) => `Target ${t.met ? 'met' : 'MISSED'}: ${t.name} — measured ${t.measured}.`),
    ...result.skipped.map((s) => `${s.scenario}/${s.mode} skipped: ${s.reason}.`),
    ...result.recovered.map((r) => `Before this run: undid what an interrupted earlier run had left (${r}).`),
    'No pgbench or raw pg baselines here: neither can tell a stale read; `npm run bench` compares latency with them.',
  ];
  return {
    title: 'rwsplit bench:consistency',
    generatedAt: result.finishedAt,
    environment,
    paths: result.modes.map(reportPath),
    baselines: null,
    lagSeries,
    readsPerNode,
    notes,
    consistency,
  };
}

export interface WrittenConsistencyReport {
  /** results/bench-consistency-<timestamp> */
  readonly dir: string;
  /** results/bench-consistency-latest */
  readonly latestDir: string;
}

/** A folder-safe timestamp: 2026-11-25T17-00-00. */
export function folderTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace(/:/g, '-');
}

/** Writes the report twice: under its timestamp, and as the latest. */
export async function writeConsistencyReport(
  result: ConsistencyBenchResult,
  resultsDir = path.join(PROJECT_ROOT, 'results'),
): Promise<WrittenConsistencyReport> {
  const data = consistencyReportData(result);
  const stamped = await writeReport(
    path.join(resultsDir, `bench-consistency-${folderTimestamp(new Date(result.startedAt))}`),
    data,
  );
  const latest = await writeReport(path.join(resultsDir, 'bench-consistency-latest'), data);
  return { dir: stamped.dir, latestDir: latest.dir };
}
