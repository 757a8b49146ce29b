// The tables `npm run bench:ha` prints: per replication mode, per leader change, and each target (ha-sections.ts).
import { formatSectionTable } from '../common/format-section-table';
import type { HaScenarioResult } from './ha-scenario-result';
import { haLeaderChangeSection, haModeSection, haTargetSection } from './ha-sections';
import type { ModeSummary } from './mode-summary';

/** The three tables, with a line saying what the write latency is measured on. */
export function formatHaTable(results: readonly HaScenarioResult[], modes: readonly ModeSummary[]): string {
  const bySection = haModeSection(modes);
  return [
    bySection.title,
    formatSectionTable(bySection),
    haLeaderChangeSection(results).title,
    formatSectionTable(haLeaderChangeSection(results)),
    formatSectionTable(haTargetSection(results)),
  ].join('\n');
}
