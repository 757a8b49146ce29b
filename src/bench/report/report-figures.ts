// The report's derived figures: each path as a ratio to the baselines of its workload.
import type { ReportBaseline, ReportData, ReportPath } from './report-data';

export interface PathRatios {
  readonly path: string;
  /** path ops/s ÷ baseline ops/s (1 = as fast as the baseline); null without a baseline of that workload. */
  readonly opsVsPgbench: number | null;
  readonly opsVsRawPg: number | null;
  /** path mean latency ÷ baseline mean latency (1 = as quick as the baseline). */
  readonly meanVsPgbench: number | null;
  readonly meanVsRawPg: number | null;
}

/** The baseline of `tool` for `workload`, if one ran. */
export function baselineFor(
  data: ReportData,
  tool: 'pgbench' | 'raw-pg',
  workload: string | undefined,
): ReportBaseline | null {
  if (!data.baselines || workload === undefined) return null;
  const runs =
    tool === 'raw-pg' ? data.baselines.rawPg : data.baselines.pgbench.available ? data.baselines.pgbench.runs : [];
  return runs.find((r) => r.workload === workload) ?? null;
}

const ratio = (a: number, b: number | undefined) => (b !== undefined && b > 0 ? a / b : null);

export function pathRatios(data: ReportData, path: ReportPath): PathRatios {
  const pgbench = baselineFor(data, 'pgbench', path.workload);
  const rawPg = baselineFor(data, 'raw-pg', path.workload);
  return {
    path: path.name,
    opsVsPgbench: ratio(path.opsPerSec, pgbench?.opsPerSec),
    opsVsRawPg: ratio(path.opsPerSec, rawPg?.opsPerSec),
    meanVsPgbench: ratio(path.meanMs, pgbench?.meanMs),
    meanVsRawPg: ratio(path.meanMs, rawPg?.meanMs),
  };
}

/** The words for each reason pgbench has no figures: not installed, failed, or not run. */
export const PGBENCH_MISSING_NOTE = {
  'not-installed': 'pgbench not installed — no baseline.',
  failed: 'pgbench is installed but its run failed — no pgbench baseline.',
  'not-run': 'pgbench was not run — no pgbench baseline.',
} as const;

/** The sentence the report shows about baselines, or null when pgbench ran for every workload. */
export function baselineNote(data: ReportData): string | null {
  if (!data.baselines) return 'No baselines were run for this report (no pgbench or raw pg comparison).';
  const pgbench = data.baselines.pgbench;
  if (!pgbench.available) return `${PGBENCH_MISSING_NOTE[pgbench.why]} ${pgbench.reason}`;
  if (pgbench.failed?.length) {
    return pgbench.failed
      .map(
        (f) =>
          `pgbench is installed but its ${f.workload} run failed — no pgbench baseline for ${f.workload}. ${f.reason}`,
      )
      .join(' ');
  }
  return null;
}
