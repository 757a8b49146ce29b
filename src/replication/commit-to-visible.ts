// Commit-to-visible time: how long after a commit returns on the primary a standby shows it.
// Measured by WAL position, never by pg_last_xact_replay_timestamp() (NULL on a primary, frozen on an idle standby).
import { performance } from 'node:perf_hooks';
import { type PgTarget, withPg } from '../db/pg-client';
import { INSERT_PROBE_ROW, ROW_IS_PRESENT, WAL_INSERT_END_LSN } from './queries';
import type { LsnText } from 'rwsplit';
import { type WaitForReplayOptions, pollUntilReplayed } from './wait-for-replay';

export interface CommitToVisibleOptions extends Omit<WaitForReplayOptions, 'name' | 'now'> {
  /** The primary (a URL or pg client config). */
  readonly primary: PgTarget;
  /** The standby to watch. */
  readonly standby: PgTarget;
  /** The standby's name in results and messages. Default `standby`. */
  readonly standbyName?: string;
  /** How many commits to measure, one after the other on the same two connections. Default 1. */
  readonly samples?: number;
  /** The text stored in each probe row. Default `commit-to-visible probe`. */
  readonly data?: string;
}

export interface CommitToVisible {
  readonly standby: string;
  /** Id of the probe row written. */
  readonly id: number;
  /** WAL_INSERT_END_LSN read right after the commit returned: the end of the last record, at or past the commit. */
  readonly lsn: LsnText;
  /** How long the INSERT (autocommit) took on the primary, in ms. */
  readonly writeMs: number;
  /** From the commit's return to the standby reporting that LSN replayed, in ms. */
  readonly visibleAfterMs: number;
  /** How many replay polls it took. */
  readonly polls: number;
  /** The row really is readable on the standby once the LSN is replayed (checked after the clock stops). */
  readonly visible: boolean;
}

/**
 * Writes `samples` probe rows on the primary and times each until the standby has replayed it. Uses two
 * connections of its own (one per node), held for the whole measurement so connecting is not timed.
 */
export async function measureCommitToVisible(options: CommitToVisibleOptions): Promise<CommitToVisible[]> {
  const standby = options.standbyName ?? 'standby';
  const samples = options.samples ?? 1;
  const data = options.data ?? 'commit-to-visible probe';
  const now = () => performance.now();
  return withPg(options.primary, (primary) =>
    withPg(options.standby, async (replica) => {
      const results: CommitToVisible[] = [];
      for (let i = 0; i < samples; i++) {
        const started = now();
        const inserted = await primary.query<{ id: number }>(INSERT_PROBE_ROW, [data]);
        const committed = now();
        const lsnRow = await primary.query<{ lsn: string }>(WAL_INSERT_END_LSN);
        const id = inserted.rows[0]?.id;
        const lsn = lsnRow.rows[0]?.lsn;
        if (id === undefined || lsn === undefined) throw new Error('The probe insert returned no id or LSN.');
        const wait = await pollUntilReplayed(replica, lsn, { ...options, name: standby, now });
        const visibleAfterMs = now() - committed;
        const present = await replica.query<{ present: boolean }>(ROW_IS_PRESENT, [id]);
        results.push(
          Object.freeze({
            standby,
            id,
            lsn,
            writeMs: committed - started,
            visibleAfterMs,
            polls: wait.polls,
            visible: present.rows[0]?.present === true,
          }),
        );
      }
      return results;
    }),
  );
}
