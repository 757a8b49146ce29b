// Prints a ScaleReport as the two tables of its report (scale-report-data.ts).
import type { CellFormat } from '../common/format-section-table';
import { formatSectionTable } from '../common/format-section-table';
import { numberCell } from '../common/number-cell';
import type { ScaleReport } from './scale-report';
import { consistencySection, writeRateSection } from './scale-report-data';

const n = (v: number) => Math.round(v).toLocaleString('en-US');
const ms = numberCell((v) => (v < 10 ? v.toFixed(2) : n(v)));
const count = numberCell(n);

/** The terminal's formats, by column head of either table. */
const SCALE_CELL_FORMATS: Readonly<Record<string, CellFormat>> = {
  rows: count,
  'check ms': ms,
  'slowest node ms': ms,
  equal: (v) => (v ? 'yes' : 'NO'),
  'seed + replay ms': ms,
  'under 3 s at 1M': (v) => (v === null ? '' : v ? 'met' : 'NOT met'),
  'commit-to-visible p50 ms': ms,
  'target writes/s': count,
  'achieved writes/s': count,
  'p50 ms': ms,
  'p95 ms': ms,
  'p99 ms': ms,
  'max ms': ms,
  'max lag bytes': count,
  'max lag ms': ms,
};

export function formatScaleReport(report: ScaleReport): string {
  const e = report.environment;
  const print = (title: string) => ({ title, alignNumbers: true, format: SCALE_CELL_FORMATS });
  return [
    `node ${e.node} · ${e.cpus} × ${e.cpuModel} · PostgreSQL ${e.postgres} · ${e.replicas} standby(s)`,
    formatSectionTable(
      consistencySection(report),
      print('Consistency check time and commit-to-visible (c2v, standby1, no load) vs rows'),
    ),
    formatSectionTable(writeRateSection(report), print('Commit-to-visible on standby1 vs background write rate')),
    report.options.keep
      ? 'Rows the study added were kept (--keep).'
      : `Deleted the ${n(report.cleanup.deletedRows)} rows the study added; the table holds ${n(report.cleanup.finalRows)} rows.`,
  ].join('\n');
}
