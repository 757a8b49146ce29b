// Maps baseline results (runPgbench / runRawPg) into the report's baselines section.
import type { PgbenchOutcome, RawPgResult } from '../baseline/baseline-result';
import type { ReportBaseline, ReportBaselines } from './report-data';

/** The baselines of one workload, e.g. `{ workload: 'read', pgbench: await runPgbench(…), rawPg: await runRawPg(…) }`. */
export interface WorkloadBaselines {
  readonly workload: string;
  readonly pgbench?: PgbenchOutcome;
  readonly rawPg?: RawPgResult;
}

const figures = (workload: string, r: (PgbenchOutcome & { status: 'ok' }) | RawPgResult): ReportBaseline => ({
  tool: r.tool,
  workload,
  clients: r.clients,
  opsPerSec: r.opsPerSec,
  meanMs: r.meanMs,
  p50Ms: r.p50Ms,
  p95Ms: r.p95Ms,
  p99Ms: r.p99Ms,
});

/**
 * Builds `ReportData.baselines`. pgbench counts as unavailable (with the first reason given) when any workload's
 * pgbench run was unavailable or none was run.
 */
export function reportBaselines(workloads: readonly WorkloadBaselines[]): ReportBaselines {
  const unavailable = workloads.find((w) => w.pgbench?.status === 'unavailable')?.pgbench;
  const runs = workloads.flatMap((w) => (w.pgbench?.status === 'ok' ? [figures(w.workload, w.pgbench)] : []));
  return {
    pgbench:
      unavailable?.status === 'unavailable'
        ? { available: false, reason: unavailable.reason }
        : runs.length === 0
          ? { available: false, reason: 'pgbench was not run.' }
          : { available: true, runs },
    rawPg: workloads.flatMap((w) => (w.rawPg ? [figures(w.workload, w.rawPg)] : [])),
  };
}
