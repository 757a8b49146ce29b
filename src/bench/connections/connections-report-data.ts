// bench:connections' run as report data (report.json + report.html, like every bench): its tables as sections, the
// extrapolation as notes, and the whole run beside them in report.json.
import type { ReportData } from '../report/report-data';
import { connectionsSection, extrapolationLines, meansSection, perProcessSection } from './connections-sections';
import type { ConnectionsBenchRun } from './run-connections-bench';

/** report.json carries the full run beside the generic report fields. */
export type ConnectionsReportData = ReportData & { readonly connections: ConnectionsBenchRun };

export function connectionsReportData(run: ConnectionsBenchRun): ConnectionsReportData {
  const perProcess = perProcessSection(run);
  return {
    title: 'rwsplit bench:connections',
    generatedAt: run.finishedAt,
    environment: { 'PgBouncer default_pool_size': run.pgbouncerPoolSize },
    paths: [],
    baselines: null,
    lagSeries: [],
    readsPerNode: [],
    notes: extrapolationLines(run).map((line) => line.trim()),
    sections: [
      connectionsSection(run.configurations),
      meansSection(run.configurations),
      ...(perProcess ? [perProcess] : []),
    ],
    connections: run,
  };
}
