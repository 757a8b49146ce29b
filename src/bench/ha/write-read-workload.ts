// The workload every HA test and bench scenario runs under: a few workers, each looping "write a row with a unique
// value, then read it back in the same read-your-writes session". A write counts as acknowledged only once create
// resolved; a read of an acknowledged row that returns null is stale. Every attempt is kept with its times so the
// write-unavailability window can be computed afterwards.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { classifyError, type FailureKind } from './classify-error';
import type { HaRwsplit } from './ha-rwsplit';

export interface WriteAttempt {
  readonly value: string;
  /** performance.now() when create was called and when it settled. */
  readonly startedAt: number;
  readonly endedAt: number;
  /** Null when create resolved (acknowledged). */
  readonly failure: FailureKind | null;
}

export interface ReadFailure extends FailureKind {
  readonly value: string;
  readonly at: number;
}

export interface WorkloadResult {
  readonly writes: readonly WriteAttempt[];
  /** Values whose create resolved. */
  readonly acknowledged: readonly string[];
  /** Values whose create failed with WriteOutcomeUnknownError: the row may or may not exist. */
  readonly outcomeUnknown: readonly string[];
  /** Failed writes other than outcome-unknown (typed or raw). */
  readonly failedWrites: readonly WriteAttempt[];
  /** Read-your-writes reads that ran (after an acknowledged write). */
  readonly reads: number;
  /** Acknowledged values a read-your-writes read returned null for. */
  readonly staleReads: readonly string[];
  readonly failedReads: readonly ReadFailure[];
}

export interface WorkloadOptions {
  /** Concurrent workers. Default 3. */
  readonly workers?: number;
  /** Pause after each iteration, in ms: a steady load that leaves the 2-core machine room. Default 10. */
  readonly pauseMs?: number;
  /** Pause after a failed write, in ms, so a refused write does not spin. Default 20. */
  readonly pauseAfterFailureMs?: number;
}

export interface RunningWorkload {
  /** Attempts so far (live). */
  readonly writes: readonly WriteAttempt[];
  /** Stops the workers after their current iteration and returns what they did. */
  stop(): Promise<WorkloadResult>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the workers on `rw`; they run until stop(). */
export function startWriteReadWorkload(rw: HaRwsplit, options: WorkloadOptions = {}): RunningWorkload {
  const run = randomUUID().slice(0, 8);
  const pauseMs = options.pauseMs ?? 10;
  const pauseAfterFailureMs = options.pauseAfterFailureMs ?? 20;
  const writes: WriteAttempt[] = [];
  const staleReads: string[] = [];
  const failedReads: ReadFailure[] = [];
  let reads = 0;
  let stopping = false;

  const iteration = async (value: string): Promise<boolean> =>
    rw.session(async () => {
      const startedAt = performance.now();
      let id: number;
      try {
        id = (await rw.client.testReplication.create({ data: { data: value }, select: { id: true } })).id;
      } catch (err) {
        writes.push({ value, startedAt, endedAt: performance.now(), failure: classifyError(err) });
        return false;
      }
      writes.push({ value, startedAt, endedAt: performance.now(), failure: null });
      reads++;
      try {
        const row = await rw.client.testReplication.findUnique({ where: { id } });
        if (row === null || row.data !== value) staleReads.push(value);
      } catch (err) {
        failedReads.push({ value, at: performance.now(), ...classifyError(err) });
      }
      return true;
    });

  const worker = async (w: number) => {
    for (let i = 0; !stopping; i++) {
      const ok = await iteration(`ha-${run}-${w}-${i}`);
      await sleep(ok ? pauseMs : pauseAfterFailureMs);
    }
  };
  const workers = Array.from({ length: options.workers ?? 3 }, (_, w) => worker(w));

  return {
    writes,
    async stop() {
      stopping = true;
      await Promise.all(workers);
      return {
        writes,
        acknowledged: writes.filter((w) => w.failure === null).map((w) => w.value),
        outcomeUnknown: writes.filter((w) => w.failure?.kind === 'outcome_unknown').map((w) => w.value),
        failedWrites: writes.filter((w) => w.failure !== null && w.failure.kind !== 'outcome_unknown'),
        reads,
        staleReads,
        failedReads,
      };
    },
  };
}
