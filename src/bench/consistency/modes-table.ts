// The consistency bench's main table: one row per scenario and mode, stale reads and non-monotonic sessions side
// by side, with read and write p50 against the baselines. Printed as is and in Markdown (format-consistency-table).
import { modeRatios } from './consistency-baselines';
import type { ConsistencyTable } from './consistency-tables';
import type { ConsistencyBenchResult } from './run-consistency-bench';

const pct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.001 ? 3 : 1)}%`;
const ms = (x: number) => x.toFixed(2);
const times = (x: number | null) => (x === null ? '—' : `${x.toFixed(x >= 10 ? 1 : 2)}×`);

export function modesTable(result: ConsistencyBenchResult): ConsistencyTable {
  return {
    id: 'modes',
    title: 'Per scenario and mode',
    description:
      'Stale: the read-back missed the row just written; non-monotonic: a later read of the same session missed a ' +
      'row an earlier one returned. Read p50 is the read-back’s; ratios are p50 ÷ the baseline’s p50.',
    columns: [
      'scenario',
      'mode',
      'pairs',
      'stale',
      'stale %',
      'non-monotonic',
      'failed',
      'on replicas',
      'read p50 ms',
      'read p99 ms',
      'write p50 ms',
      'pairs/s',
      'bg writes/s',
      'read p50 ÷ pgbench, raw pg',
      'write p50 ÷ pgbench, raw pg',
    ],
    rows: result.modes.map((r) => {
      const ratios = modeRatios(r, result.baselines);
      return [
        r.scenario,
        r.mode,
        String(r.pairs),
        String(r.stale),
        pct(r.staleRate),
        r.sessionReads > 1 ? String(r.nonMonotonic) : '—',
        String(r.failedReads),
        pct(r.replicaShare),
        ms(r.read.p50Ms),
        ms(r.read.p99Ms),
        ms(r.write.p50Ms),
        r.pairsPerSec.toFixed(0),
        r.backgroundWritesPerSec.toFixed(0),
        `${times(ratios.readVsPgbench)}, ${times(ratios.readVsRawPg)}`,
        `${times(ratios.writeVsPgbench)}, ${times(ratios.writeVsRawPg)}`,
      ];
    }),
  };
}
