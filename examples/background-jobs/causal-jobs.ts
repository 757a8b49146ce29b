// Consistency for background jobs: a job queued after a write carries the writer's causal token, and the worker
// reads inside a session opened with it, so its reads see that write (a replica that has replayed it, else the
// primary) instead of whatever a lagging replica has. The queue is pg-boss, which keeps its jobs in PostgreSQL
// itself (the primary): no new server.
import type PgBoss from 'pg-boss';
import type { Rwsplit } from 'rwsplit';

/** What each job of a causal queue carries: the application's payload and the token of the write before it. */
export interface CausalJob<T> {
  readonly payload: T;
  /** rwsplit's causal token of the session that queued the job (null: it wrote nothing). */
  readonly token: string | null;
}

/**
 * Runs `write` in a read-your-writes session, then queues `payload(result)` on `queue` with the session's causal
 * token. Resolves to the write's result and the job's id.
 */
export async function writeThenEnqueue<C, R, T extends object>(
  rw: Rwsplit<C>,
  boss: PgBoss,
  queue: string,
  write: () => Promise<R>,
  payload: (result: R) => T,
): Promise<{ result: R; jobId: string }> {
  return rw.session(async () => {
    const result = await write();
    const job: CausalJob<T> = { payload: payload(result), token: await rw.token() };
    const jobId = await boss.send(queue, job);
    if (jobId === null) throw new Error(`pg-boss did not queue the job on "${queue}" (a singleton or throttle?).`);
    return { result, jobId };
  });
}

/**
 * Works `queue`: each job's handler runs in a session opened with the job's token, so its reads see the write that
 * queued it. A token rwsplit refuses fails the job (pg-boss retries it per the queue's policy).
 */
export function workWithToken<C, T>(
  rw: Rwsplit<C>,
  boss: PgBoss,
  queue: string,
  handler: (payload: T) => Promise<void>,
  options: PgBoss.WorkOptions = {},
): Promise<string> {
  return boss.work<CausalJob<T>>(queue, options, async (jobs) => {
    for (const job of jobs) {
      await rw.session(() => handler(job.data.payload), { token: job.data.token ?? undefined });
    }
  });
}
