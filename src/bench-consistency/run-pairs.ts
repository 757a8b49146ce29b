// N write→read pairs of one mode through the router, `concurrency` at a time. Each pair writes a row, then at
// once reads it back by id; the read is stale when it does not return the row. The node that served the read
// comes from the router's own events, attributed to the pair by the PairTracker. A read that fails is counted
// with its error (the fault scenario must show there are none); a write that fails stops the run.
import { performance } from 'node:perf_hooks';
import type { ConsistencyMode } from '../config';
import type { NodeRole } from 'rwsplit';
import { withRemoteApply } from 'rwsplit';
import type { AppRwsplit } from '../db/app-rwsplit';
import type { BenchMode } from './bench-options';
import type { PairTracker, ServedRead } from './pair-tracker';

/** A read that failed: what the caller got. */
export interface ReadFailure {
  /** The error's `code` (rwsplit's RWSPLIT_…, Prisma's P…, a SQLSTATE), else its name. */
  readonly code: string;
  readonly message: string;
  /** The first cause's code and message, when the error wraps another (rwsplit keeps the driver's as cause). */
  readonly cause: string | null;
  /** The node of the last attempt (`host:port`), or null when none was reported. */
  readonly node: string | null;
  /** When the read started, in ms on the run's clock. */
  readonly atMs: number;
  /** Its attempts: node (`host:port`; friendly names once in a ModeResult), outcome, duration. */
  readonly tries: readonly { readonly node: string; readonly ok: boolean; readonly durationMs: number }[];
}

export interface PairOutcome {
  /** The read did not return the row the pair had just written (false for a failed read). */
  readonly stale: boolean;
  /** The node that served the read (`host:port`); for a failed read, that of its last attempt, or `none`. */
  readonly node: string;
  readonly role: NodeRole;
  /** Why the read failed, or null. */
  readonly error: ReadFailure | null;
  /** Routed queries the read took: 2 after a retry elsewhere. */
  readonly attempts: number;
  /** Each of them: node, outcome, duration. */
  readonly tries: readonly ServedRead[];
  /** When the read started, in ms on the run's clock. */
  readonly readStartMs: number;
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
  /** Pairs go on past `pairs` while this says so (the fault scenario: until the fault is undone). */
  readonly keepGoing?: () => boolean;
  /** The clock read times are reported on, in ms. Default performance.now. */
  readonly clock?: () => number;
}

/** The scope a mode's pair runs in: remote_apply reads like `eventual` (its write already waited). */
const SCOPE: Record<BenchMode, ConsistencyMode> = {
  eventual: 'eventual',
  'read-your-writes': 'read-your-writes',
  remote_apply: 'eventual',
  primary: 'primary',
};

const field = (err: unknown, name: string): unknown =>
  typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[name] : undefined;

function codeOf(err: unknown): string {
  const code = field(err, 'code');
  if (typeof code === 'string' && code) return code;
  const name = field(err, 'name');
  return typeof name === 'string' ? name : typeof err;
}

const firstLine = (text: string) => (text.split('\n')[0] ?? '').slice(0, 300);

function readFailure(err: unknown, tries: readonly ServedRead[], atMs: number): ReadFailure {
  const cause = field(err, 'cause');
  return {
    code: codeOf(err),
    message: firstLine(err instanceof Error ? err.message : String(err)),
    cause:
      cause === undefined
        ? null
        : `${codeOf(cause)}: ${firstLine(cause instanceof Error ? cause.message : String(cause))}`,
    node: tries.at(-1)?.node ?? null,
    atMs,
    tries: tries.map(({ node, ok, durationMs }) => ({ node, ok, durationMs })),
  };
}

async function runPair(
  rw: AppRwsplit,
  tracker: PairTracker,
  mode: BenchMode,
  data: string,
  clock: () => number,
): Promise<PairOutcome> {
  const tracked = await tracker.run((read) =>
    rw.session(
      async () => {
        const writeStart = performance.now();
        const row =
          mode === 'remote_apply'
            ? await withRemoteApply(rw.client, (tx) => tx.testReplication.create({ data: { data } }))
            : await rw.client.testReplication.create({ data: { data } });
        const readStart = performance.now();
        const readStartMs = clock();
        const found = await read(() => rw.client.testReplication.findUnique({ where: { id: row.id } })).then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        const readEnd = performance.now();
        return { row, found, writeMs: readStart - writeStart, readMs: readEnd - readStart, readStartMs };
      },
      { mode: SCOPE[mode] },
    ),
  );
  const { row, writeMs, readMs, readStartMs } = tracked.result;
  const last = tracked.reads.at(-1);
  const common = { readMs, writeMs, readStartMs, attempts: tracked.reads.length, tries: tracked.reads };
  if (!tracked.result.found.ok) {
    return {
      ...common,
      stale: false,
      node: last?.node ?? 'none',
      role: last?.role ?? 'replica',
      error: readFailure(tracked.result.found.error, tracked.reads, readStartMs),
      fallback: tracked.fallbacks.at(-1) ?? null,
    };
  }
  const found = tracked.result.found.value;
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
    ...common,
    stale: found === null,
    node: served.node,
    role: served.role,
    error: null,
    fallback: tracked.fallbacks.at(-1) ?? null,
  };
}

/** Runs the pairs; the first pair whose write fails stops the run and its error is thrown. */
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
  const clock = options.clock ?? (() => performance.now());
  const more = () => next < options.pairs || (options.keepGoing?.() ?? false);
  const worker = async () => {
    while (!failed && !options.signal?.aborted && more()) {
      const i = next++;
      try {
        const outcome = await runPair(rw, tracker, mode, `bench-consistency ${options.label} ${i}`, clock);
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
    Array.from(
      { length: options.keepGoing ? options.concurrency : Math.min(options.concurrency, options.pairs) },
      worker,
    ),
  );
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  return { outcomes, wallMs: performance.now() - started, aborted: outcomes.length < options.pairs };
}
