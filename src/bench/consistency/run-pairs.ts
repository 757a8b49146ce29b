// N write→read pairs of one mode through the router, `concurrency` at a time. Each pair writes a row, then at
// once reads it back by id; the read is stale when it does not return the row. The same session then reads the
// row again (`sessionReads` reads in all): a session whose read returned the row and a later read did not is
// non-monotonic. The node that served the read-back comes from the router's own events, attributed to the pair by
// the PairTracker (the later reads are not attributed). A read that fails is counted with its error (the fault
// scenario must show there are none); a write that fails stops the run.
import { performance } from 'node:perf_hooks';
import type { ConsistencyMode } from '../../config';
import type { NodeRole } from 'rwsplit';
import { withRemoteApply } from 'rwsplit';
import type { AppRwsplit } from '../../db/app-rwsplit';
import type { BenchMode } from './bench-options';
import { isNonMonotonic, type RowSeen } from './is-non-monotonic';
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

/** A read of the session after the read-back. */
export interface LaterRead {
  readonly seen: RowSeen;
  /** Its latency as the caller sees it, in ms. */
  readonly readMs: number;
  /** Why it failed, or null (its attempts are not attributed: `tries` is empty). */
  readonly error: ReadFailure | null;
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
  /** The session's reads of the row after the read-back, in order (none with sessionReads 1). */
  readonly laterReads: readonly LaterRead[];
  /** A read of the session returned the row and a later one returned null. */
  readonly nonMonotonic: boolean;
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
  /** Reads of the row per session, the read-back included. Default 1 (the read-back only). */
  readonly sessionReads?: number;
  /** Pause before each of a session's later reads, in ms. Default 0. */
  readonly sessionReadGapMs?: number;
}

/** The scope a mode's pair runs in: remote_apply reads like `eventual` (its write already waited). */
const SCOPE: Record<BenchMode, ConsistencyMode> = {
  eventual: 'eventual',
  'read-your-writes': 'read-your-writes',
  remote_apply: 'eventual',
  primary: 'primary',
  'eventual-plain': 'eventual',
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

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

const settle = <T>(p: Promise<T>): Promise<Settled<T>> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

/** The row a read returned must be the pair's own (or none). */
function checkRow(id: number, found: { data: string } | null, data: string): void {
  if (found !== null && found.data !== data) {
    throw new Error(
      `Row ${id} came back with data "${found.data}", not "${data}": the table is not what the bench expects.`,
    );
  }
}

interface PairSpec {
  readonly mode: BenchMode;
  readonly data: string;
  readonly clock: () => number;
  readonly sessionReads: number;
  readonly sessionReadGapMs: number;
}

async function runPair(rw: AppRwsplit, tracker: PairTracker, spec: PairSpec): Promise<PairOutcome> {
  const { mode, data, clock } = spec;
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
        const lookUp = () => rw.client.testReplication.findUnique({ where: { id: row.id } });
        const found = await settle(read(lookUp));
        const readEnd = performance.now();
        // The same session reads the row again: not inside read(), so the read-back alone is attributed.
        const later: { found: Settled<{ data: string } | null>; readMs: number; startMs: number }[] = [];
        for (let i = 1; i < spec.sessionReads; i++) {
          if (spec.sessionReadGapMs > 0) await new Promise((r) => setTimeout(r, spec.sessionReadGapMs));
          const start = performance.now();
          const startMs = clock();
          later.push({ found: await settle(lookUp()), readMs: performance.now() - start, startMs });
        }
        return { row, found, later, writeMs: readStart - writeStart, readMs: readEnd - readStart, readStartMs };
      },
      { mode: SCOPE[mode] },
    ),
  );
  const { row, writeMs, readMs, readStartMs } = tracked.result;
  const last = tracked.reads.at(-1);
  const laterReads = tracked.result.later.map(({ found, readMs: ms, startMs }): LaterRead => {
    if (!found.ok) return { seen: 'failed', readMs: ms, error: readFailure(found.error, [], startMs) };
    checkRow(row.id, found.value, data);
    return { seen: found.value === null ? 'missing' : 'found', readMs: ms, error: null };
  });
  const first: RowSeen = !tracked.result.found.ok ? 'failed' : tracked.result.found.value ? 'found' : 'missing';
  const common = {
    readMs,
    writeMs,
    readStartMs,
    attempts: tracked.reads.length,
    tries: tracked.reads,
    laterReads,
    nonMonotonic: isNonMonotonic([first, ...laterReads.map((r) => r.seen)]),
  };
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
  checkRow(row.id, found, data);
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
        const outcome = await runPair(rw, tracker, {
          mode,
          data: `bench-consistency ${options.label} ${i}`,
          clock,
          sessionReads: options.sessionReads ?? 1,
          sessionReadGapMs: options.sessionReadGapMs ?? 0,
        });
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
