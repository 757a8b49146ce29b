// bench:ha's run as report data (report.json + report.html, like every bench): its tables as sections, its targets
// as notes, and the whole run beside them in report.json.
import type { ReportData } from '../report/report-data';
import { haLeaderChangeSection, haModeSection, haTargetSection } from './ha-sections';
import type { HaBenchRun } from './run-ha-bench';

/** report.json carries the full run beside the generic report fields. */
export type HaReportData = ReportData & { readonly ha: HaBenchRun };

/** Maps the run into the report's data; `generatedAt` defaults to now. */
export function haReportData(run: HaBenchRun, generatedAt: Date = new Date()): HaReportData {
  const targets = run.scenarios.flatMap((s) =>
    s.targets.map((t) => `${s.mode}/${s.kind}: target ${t.met ? 'met' : 'NOT met'}: ${t.name} — measured ${t.value}.`),
  );
  return {
    title: 'rwsplit bench:ha',
    generatedAt: generatedAt.toISOString(),
    environment: {
      ...run.environment,
      'cluster reused': run.clusterReused,
      'synchronous mode before': run.synchronousModeBefore,
    },
    paths: [],
    baselines: null,
    lagSeries: [],
    readsPerNode: [],
    notes: [`Run started at ${run.startedAt}.`, ...targets],
    sections: [haModeSection(run.modes), haLeaderChangeSection(run.scenarios), haTargetSection(run.scenarios)],
    ha: run,
  };
}
