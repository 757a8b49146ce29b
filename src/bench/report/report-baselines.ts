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
  ranOn: r.tool === 'pgbench' && r.parts ? `${r.target}, at the same time` : r.target,
});

/** The reason given when no workload ran pgbench, unless the caller says why. */
export const PGBENCH_NOT_RUN = 'Baselines were turned off for this run (e.g. --baseline-seconds 0).';

/**
 * Builds `ReportData.baselines`. pgbench counts as not installed when a run found no pgbench; as failed when
 * every run failed (or failed for some workloads, listed in `failed`, while others ran); as not run when no
 * workload has a pgbench outcome (`notRunReason` says why, default PGBENCH_NOT_RUN).
 */
export function reportBaselines(
  workloads: readonly WorkloadBaselines[],
  notRunReason = PGBENCH_NOT_RUN,
): ReportBaselines {
  const outcomes = workloads.flatMap((w) => (w.pgbench ? [{ workload: w.workload, outcome: w.pgbench }] : []));
  const runs = outcomes.flatMap((o) => (o.outcome.status === 'ok' ? [figures(o.workload, o.outcome)] : []));
  const failed = outcomes.flatMap((o) =>
    o.outcome.status === 'unavailable' && o.outcome.kind === 'failed'
      ? [{ workload: o.workload, reason: o.outcome.reason }]
      : [],
  );
  const notInstalled = outcomes.find((o) => o.outcome.status === 'unavailable' && o.outcome.kind === 'not-installed');
  const pgbench: ReportBaselines['pgbench'] =
    notInstalled?.outcome.status === 'unavailable'
      ? { available: false, why: 'not-installed', reason: notInstalled.outcome.reason }
      : runs.length > 0
        ? { available: true, runs, ...(failed.length > 0 ? { failed } : {}) }
        : failed.length > 0
          ? { available: false, why: 'failed', reason: failed.map((f) => `${f.workload}: ${f.reason}`).join(' ') }
          : { available: false, why: 'not-run', reason: notRunReason };
  return {
    pgbench,
    rawPg: workloads.flatMap((w) => (w.rawPg ? [figures(w.workload, w.rawPg)] : [])),
  };
}
