// What judging raw SQL costs, as a table: one row per corpus statement, parse times in µs.
import type { ReportSection } from '../report/report-data';
import type { ParseCost } from './sql-parse-cost';

export function sqlParseCostSection(costs: readonly ParseCost[]): ReportSection {
  return {
    id: 'sql-parse-cost',
    title: 'What judging raw SQL costs per statement (PostgreSQL’s parser, uncached and cached)',
    columns: ['statement', 'parse p50 µs', 'parse p99 µs', 'cached p50 µs'],
    rows: costs.map((c) => [c.sql, c.uncachedP50Us, c.uncachedP99Us, c.cachedP50Us]),
  };
}
