// How the reads bench prints its figures in the terminal, by column head, for every table it prints: latencies
// with three decimals under 10 ms, ratios with three and a ×, rates rounded.
import type { CellFormat } from '../common/format-section-table';
import { numberCell } from '../common/number-cell';

const ms = numberCell((v) => (v < 10 ? v.toFixed(3) : v.toFixed(1)));
const times = numberCell((v) => `${v.toFixed(3)}×`);
const rounded = numberCell((v) => String(Math.round(v)));
const mib = numberCell((v) => v.toFixed(1));

export const READS_CELL_FORMATS: Readonly<Record<string, CellFormat>> = {
  'p50 ms': ms,
  'p95 ms': ms,
  'p99 ms': ms,
  'p99.9 ms': ms,
  'mean ms': ms,
  'max ms': ms,
  'ops/s': rounded,
  'achieved/s': rounded,
  'ops ÷ pgbench': times,
  'ops ÷ raw pg': times,
  'p50 ×': times,
  'mean ×': times,
  'ops/s ×': times,
  'RSS ×': times,
  'added ×': times,
  'RSS MiB': mib,
  'added MiB': mib,
  'p50 target': numberCell((v) => `≤ ${v}×`, ''),
  met: (v) => (v === null ? '' : v ? 'met' : 'NOT met'),
};
