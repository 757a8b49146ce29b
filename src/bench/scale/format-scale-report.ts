// Prints a ScaleReport as two tables.
import Table from 'cli-table3';
import type { ScaleReport } from './scale-report';
import { checkMeetsTarget } from './scale-report-data';

const ms = (v: number | null) => (v === null ? '-' : v < 10 ? v.toFixed(2) : Math.round(v).toLocaleString('en-US'));
const n = (v: number) => Math.round(v).toLocaleString('en-US');
const style = { head: [], border: [] };

export function formatScaleReport(report: ScaleReport): string {
  const e = report.environment;
  const lines = [`node ${e.node} · ${e.cpus} × ${e.cpuModel} · PostgreSQL ${e.postgres} · ${e.replicas} standby(s)`];
  const check = new Table({
    head: [
      'rows per node',
      'check ms',
      'slowest node ms',
      'chunks',
      'equal',
      'seed + replay ms',
      '< 3 s at 1M',
      'c2v p50 ms',
      'c2v p99 ms',
    ],
    style,
    colAligns: ['right', 'right', 'right', 'right', 'left', 'right', 'left', 'right', 'right'],
  });
  for (const p of report.consistency) {
    const met = checkMeetsTarget(p.rows, p.checkMs);
    const target = met === null ? '' : met ? 'met' : 'NOT met';
    check.push([
      n(p.rows),
      ms(p.checkMs),
      ms(p.slowestNodeMs),
      p.chunks,
      p.equal ? 'yes' : 'NO',
      ms(p.seedMs),
      target,
      ms(p.commitToVisible.p50Ms),
      ms(p.commitToVisible.p99Ms),
    ]);
  }
  lines.push('Consistency check time and commit-to-visible (c2v, standby1, no load) vs rows', check.toString());
  const rate = new Table({
    head: ['target w/s', 'achieved w/s', 'probes', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'max lag bytes'],
    style,
    colAligns: ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  });
  for (const p of report.writeRate) {
    rate.push([
      n(p.targetRate),
      n(p.achievedRate),
      p.samples,
      ms(p.p50Ms),
      ms(p.p95Ms),
      ms(p.p99Ms),
      ms(p.maxMs),
      p.maxLagBytes === null ? '-' : n(p.maxLagBytes),
    ]);
  }
  lines.push('Commit-to-visible on standby1 vs background write rate', rate.toString());
  lines.push(
    report.options.keep
      ? 'Rows the study added were kept (--keep).'
      : `Deleted the ${n(report.cleanup.deletedRows)} rows the study added; the table holds ${n(report.cleanup.finalRows)} rows.`,
  );
  return lines.join('\n');
}
