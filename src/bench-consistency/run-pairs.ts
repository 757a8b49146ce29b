// N write→read pairs of one mode through the router, `concurrency` at a time. Each pair writes a row, then at
// once reads it back by id; the read is stale when it does not return the row. The node that served the read
// comes from the router's own events, attributed to the pair by the PairTracker.
import { performance } from 'node:perf_hooks';
import type { ConsistencyMode } from '../config';
import type { NodeRole } from 'rwsplit';
import { withRemoteApply } from 'rwsplit';
import type { AppRwsplit } from '../db/app-rwsplit';
import type { BenchMode } from './bench-options';
import type { PairTracker } from './pair-tracker';

export interface PairOutcome {
  /** The read did not return the row the pair had just written. */
  readonly stale: boolean;
  /** The node that served the read (`host:port`). */
  readonly node: string;
  readonly role: NodeRole;
  /** Latency of the read as the caller sees it (routing included), in ms. */
  readonly readMs: number;
  /** Latency of the write, in ms. */
  readonly writeMs: number;
  /** Why the read fell back to the primary, or null. */
  readonly fallback: string | null;
}

export interface PairRun {
  readonly outcomes: readonly PairOutcome[];
  /** Wall-clock time of the whole run, in ms. */
  readonly wallMs: number;
  /** The signal stopped the run before every pair had run. */
  readonly aborted: boolean;
}

export interface RunPairsOptions {
  readonly pairs: number;
  readonly concurrency: number;
  /** Goes into each row's data, e.g. `pause/eventual`, so rows can be told apart afterwards. */
  readonly label: string;
  /** Stops starting pairs (those in flight finish). */
  readonly signal?: AbortSignal;
  /** Called after every pair. */
  readonly onPair?: (outcome: PairOutcome) => void;
}

/** The scope a mode's pair runs in: remote_apply reads like `eventual` (its write already waited). */
const SCOPE: Record<BenchMode, ConsistencyMode> = {
  eventual: 'eventual',
  'read-your-writes': 'read-your-writes',
  remote_apply: 'eventual',
  primary: 'primary',
};

async function runPair(rw: AppRwsplit, tracker: PairTracker, mode: BenchMode, data: string): Promise<PairOutcome> {
  const tracked = await tracker.run((read) =>
    rw.session(
      async () => {
        const writeStart = performance.now();
        const row =
          mode === 'remote_apply'
            ? await withRemoteApply(rw.client, (tx) => tx.testReplication.create({ data: { data } }))
            : await rw.client.testReplication.create({ data: { data } });
        const readStart = performance.now();
        const found = await read(() => rw.client.testReplication.findUnique({ where: { id: row.id } }));
        const readEnd = performance.now();
        return { row, found, writeMs: readStart - writeStart, readMs: readEnd - readStart };
      },
      { mode: SCOPE[mode] },
    ),
  );
  const { row, found, writeMs, readMs } = tracked.result;
  if (found !== null && found.data !== data) {
    throw new Error(
      `Row ${row.id} came back with data "${found.data}", not "${data}": the table is not what the bench expects.`,
    );
  }
  const served = tracked.reads.filter((r) => r.ok).at(-1);
  if (!served) {
    throw new Error(
      `The read of row ${row.id} reported no successful routed query (${tracked.reads.length} events), so its node ` +
        'cannot be told. The router must emit a `query` event for every read.',
    );
  }
  return {
    stale: found === null,
    node: served.node,
    role: served.role,
    readMs,
    writeMs,
    fallback: tracked.fallbacks.at(-1) ?? null,
  };
}

/** Runs the pairs; the first failing pair stops the run and its error is thrown. */
export async function runPairs(
  rw: AppRwsplit,
  tracker: PairTracker,
  mode: BenchMode,
  options: RunPairsOptions,
): Promise<PairRun> {
  const outcomes: PairOutcome[] = [];
  let next = 0;
  let failed = false;
  const started = performance.now();
  const worker = async () => {
    while (!failed && !options.signal?.aborted && next < options.pairs) {
      const i = next++;
      try {
        const outcome = await runPair(rw, tracker, mode, `bench-consistency ${options.label} ${i}`);
        outcomes.push(outcome);
        options.onPair?.(outcome);
      } catch (err) {
        failed = true;
        throw new Error(`Pair ${i} of ${options.label} failed.`, { cause: err });
      }
    }
  };
  // Settled, not Promise.all: after a failure the other workers finish their pair before the error surfaces.
  const settled = await Promise.allSettled(
    Array.from({ length: Math.min(options.concurrency, options.pairs) }, worker),
  );
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  return { outcomes, wallMs: performance.now() - started, aborted: outcomes.length < options.pairs };
}
