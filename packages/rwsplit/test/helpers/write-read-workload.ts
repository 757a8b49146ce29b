// The workload the HA tests run under: a few workers, each looping "create a user with a unique email, then read it
// back in the same read-your-writes session". A write counts as acknowledged only once create resolved; a read of
// an acknowledged row that returns null is stale. Each failure is classified: one of rwsplit's typed errors (the
// "may have run" write apart), or a raw error, which the library must never let through on a leader change.
import { performance } from 'node:perf_hooks';
import { RwsplitError, type Rwsplit, WriteOutcomeUnknownError } from '../../src';
import type { PrismaClient } from '../fixture/generated/client';
import { uniqueEmail } from './fixture-schema';

export interface Failure {
  /** `outcome_unknown`: the write may have run; `typed`: any other RwsplitError; `raw`: not an RwsplitError. */
  readonly kind: 'outcome_unknown' | 'typed' | 'raw';
  /** The RwsplitError's code, or the raw error's class name. */
  readonly code: string;
  /** The first line of the message. */
  readonly message: string;
}

export interface WriteAttempt {
  readonly email: string;
  /** performance.now() when create was called and when it settled. */
  readonly startedAt: number;
  readonly endedAt: number;
  /** Null when create resolved (acknowledged). */
  readonly failure: Failure | null;
}

export interface WorkloadResult {
  readonly writes: readonly WriteAttempt[];
  /** Emails whose create resolved. */
  readonly acknowledged: readonly string[];
  /** Emails whose create failed with WriteOutcomeUnknownError: the row may or may not exist. */
  readonly outcomeUnknown: readonly string[];
  /** Failed writes other than outcome-unknown (typed or raw). */
  readonly failedWrites: readonly WriteAttempt[];
  /** Read-your-writes reads that ran (after an acknowledged write). */
  readonly reads: number;
  /** Acknowledged emails a read-your-writes read returned null for. */
  readonly staleReads: readonly string[];
  readonly failedReads: readonly Failure[];
}

export interface RunningWorkload {
  /** Attempts so far (live). */
  readonly writes: readonly WriteAttempt[];
  /** Read-your-writes reads so far (live). */
  reads(): number;
  /** Stops the workers after their current iteration and returns what they did. */
  stop(): Promise<WorkloadResult>;
}

export function classify(err: unknown): Failure {
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
  if (err instanceof WriteOutcomeUnknownError) return { kind: 'outcome_unknown', code: err.code, message };
  if (err instanceof RwsplitError) return { kind: 'typed', code: err.code, message };
  return { kind: 'raw', code: err instanceof Error ? err.constructor.name : typeof err, message };
}

/** Everything the workload saw go wrong, as one object, so a failing expectation shows it all. */
export function problems(result: WorkloadResult) {
  return {
    staleReads: result.staleReads,
    failedReads: result.failedReads.map((r) => `${r.code}: ${r.message}`),
    failedWrites: result.failedWrites.map((w) => `${w.failure?.code}: ${w.failure?.message}`),
    outcomeUnknown: result.outcomeUnknown.length,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `workers` workers on `rw`; they run until stop(). A short pause after each iteration keeps the load steady
 * and leaves the 2-core machine room; a longer one after a failed write keeps a refused write from spinning.
 */
/** The workload's workers by default: each has at most one write in flight. */
export const WORKLOAD_WORKERS = 3;

export function startWriteReadWorkload(rw: Rwsplit<PrismaClient>, workers = WORKLOAD_WORKERS): RunningWorkload {
  const writes: WriteAttempt[] = [];
  const staleReads: string[] = [];
  const failedReads: Failure[] = [];
  let reads = 0;
  let stopping = false;

  const iteration = (email: string): Promise<boolean> =>
    rw.session(async () => {
      const startedAt = performance.now();
      let id: number;
      try {
        id = (await rw.client.user.create({ data: { email, name: 'ha' }, select: { id: true } })).id;
      } catch (err) {
        writes.push({ email, startedAt, endedAt: performance.now(), failure: classify(err) });
        return false;
      }
      writes.push({ email, startedAt, endedAt: performance.now(), failure: null });
      reads++;
      try {
        const row = await rw.client.user.findUnique({ where: { id } });
        if (row === null || row.email !== email) staleReads.push(email);
      } catch (err) {
        failedReads.push(classify(err));
      }
      return true;
    });

  const worker = async () => {
    while (!stopping) await sleep((await iteration(uniqueEmail('ha'))) ? 10 : 20);
  };
  const running = Array.from({ length: workers }, () => worker());

  return {
    writes,
    reads: () => reads,
    async stop() {
      stopping = true;
      await Promise.all(running);
      return {
        writes,
        acknowledged: writes.filter((w) => w.failure === null).map((w) => w.email),
        outcomeUnknown: writes.filter((w) => w.failure?.kind === 'outcome_unknown').map((w) => w.email),
        failedWrites: writes.filter((w) => w.failure !== null && w.failure.kind !== 'outcome_unknown'),
        reads,
        staleReads,
        failedReads,
      };
    },
  };
}
