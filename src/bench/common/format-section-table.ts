// A report section's table as the benches print it: cli-table3, no colours, `-` for a missing value. The same
// section goes into report.html, so a bench builds each table once.
import Table from 'cli-table3';
import type { ReportSection } from '../report/report-data';

/**
 * @example console.log(formatSectionTable({ id: 'modes', title: 'Per mode', columns: ['mode'], rows: [['async']] }))
 */
export function formatSectionTable(section: ReportSection): string {
  const table = new Table({ head: [...section.columns], style: { head: [], border: [] } });
  for (const row of section.rows) table.push(row.map((value) => (value === null ? '-' : value)));
  return table.toString();
}
