// The connection bench's printout: its tables (connections-sections.ts) and the extrapolation's formula.
import { formatSectionTable } from '../common/format-section-table';
import { connectionsSection, extrapolationLines, meansSection, perProcessSection } from './connections-sections';
import type { ConnectionsBenchRun } from './run-connections-bench';
import type { ConfigurationResult } from './summarize-configuration';

/** The main table: one row per configuration. */
export function formatConnectionsTable(configurations: readonly ConfigurationResult[]): string {
  return formatSectionTable(connectionsSection(configurations));
}

/** The means behind the maxima, PgBouncer's own server connections, and the load each configuration ran. */
export function formatMeansTable(configurations: readonly ConfigurationResult[]): string {
  return formatSectionTable(meansSection(configurations));
}

/** Per-process server connections of the direct runs, and their extrapolation with the formula. */
export function formatExtrapolation(run: ConnectionsBenchRun): string {
  const perProcess = perProcessSection(run);
  return [...(perProcess ? [formatSectionTable(perProcess)] : []), ...extrapolationLines(run)].join('\n');
}
