// A report section's table as the benches print it: cli-table3, no colours, `-` for a missing value. The same
// section goes into report.html, so a bench builds each table once; the options only change how it prints.
import Table from 'cli-table3';
import type { ReportSection, SectionValue } from '../report/report-data';

/** How one column's values print, e.g. a latency with three decimals. */
export type CellFormat = (value: SectionValue) => string;

export interface SectionTableOptions {
  /** A line printed above the table, e.g. the section's title. */
  readonly title?: string;
  /** Right-align the numeric columns: those whose every value is a number or null. Default false (all left). */
  readonly alignNumbers?: boolean;
  /** How a column prints, by column head; a column without one shows `-`, yes / no, or the value as it is. */
  readonly format?: Readonly<Record<string, CellFormat>>;
}

/** A value with no format of its own: `-` when missing, yes / no, or the value as it is. */
export const plainCell: CellFormat = (value) =>
  value === null ? '-' : typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);

const isNumeric = (section: ReportSection, column: number) =>
  section.rows.every((row) => row[column] === null || typeof row[column] === 'number');

/**
 * @example console.log(formatSectionTable({ id: 'modes', title: 'Per mode', columns: ['mode'], rows: [['async']] }))
 */
export function formatSectionTable(section: ReportSection, options: SectionTableOptions = {}): string {
  const colAligns = section.columns.map((_, i) => (options.alignNumbers && isNumeric(section, i) ? 'right' : 'left'));
  const table = new Table({ head: [...section.columns], style: { head: [], border: [] }, colAligns });
  const formats = section.columns.map((column) => options.format?.[column] ?? plainCell);
  for (const row of section.rows) table.push(row.map((value, i) => (formats[i] ?? plainCell)(value)));
  return options.title === undefined ? table.toString() : `${options.title}\n${table.toString()}`;
}
