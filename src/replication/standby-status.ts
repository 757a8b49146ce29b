// A standby's own view of its replication: receive and replay positions, last replayed commit, paused or not.
import { type PgTarget, withPg } from '../db/pg-client';
import { IS_IN_RECOVERY, STANDBY_STATUS } from './queries';
import type { LsnText } from 'rwsplit';

export interface StandbyStatus {
  /** pg_is_in_recovery(): false means the node is a primary (then every other field is null/false). */
  readonly inRecovery: boolean;
  /** pg_last_wal_receive_lsn(): WAL received and flushed to the standby's disk. */
  readonly receiveLsn: LsnText | null;
  /** pg_last_wal_replay_lsn(): WAL replayed, i.e. visible to queries on this standby. */
  readonly replayLsn: LsnText | null;
  /**
   * pg_last_xact_replay_timestamp(): commit time (on the primary) of the last replayed transaction. It stands
   * still while the primary is idle, so "now minus this" is not lag; compare LSNs instead.
   */
  readonly lastReplayAt: Date | null;
  /** pg_is_wal_replay_paused(). */
  readonly replayPaused: boolean;
  /** Seconds since lastReplayAt, by the standby's clock (see lastReplayAt for why it is not lag). */
  readonly secondsSinceLastReplay: number | null;
}

/** A row of STANDBY_STATUS, as the SQL names its columns. */
export interface StandbyStatusRow {
  in_recovery: boolean;
  receive_lsn: string | null;
  replay_lsn: string | null;
  last_replay_at: Date | null;
  replay_paused: boolean;
  seconds_since_last_replay: number | null;
}

/** What readStandbyStatus reports for a primary: the recovery functions are not called there. */
export const NOT_A_STANDBY: StandbyStatus = Object.freeze({
  inRecovery: false,
  receiveLsn: null,
  replayLsn: null,
  lastReplayAt: null,
  replayPaused: false,
  secondsSinceLastReplay: null,
});

/**
 * Reads a node's standby status on a short-lived connection. On a primary it returns `inRecovery: false` and
 * nulls: the recovery functions (pg_is_wal_replay_paused) raise an error there, so they are not called.
 */
export async function readStandbyStatus(node: PgTarget, name = 'the node'): Promise<StandbyStatus> {
  try {
    return await withPg(node, async (c) => {
      const recovery = await c.query<{ in_recovery: boolean }>(IS_IN_RECOVERY);
      if (recovery.rows[0]?.in_recovery !== true) return NOT_A_STANDBY;
      const row = (await c.query<StandbyStatusRow>(STANDBY_STATUS)).rows[0];
      if (!row) throw new Error('the standby status query returned no row');
      return standbyStatusFromRow(row);
    });
  } catch (cause) {
    throw new Error(`Could not read the standby status of ${name}. Is it up (\`npm run check\`)?`, { cause });
  }
}

/** A STANDBY_STATUS row as a frozen StandbyStatus. */
export function standbyStatusFromRow(row: StandbyStatusRow): StandbyStatus {
  return Object.freeze({
    inRecovery: row.in_recovery,
    receiveLsn: row.receive_lsn,
    replayLsn: row.replay_lsn,
    lastReplayAt: row.last_replay_at,
    replayPaused: row.replay_paused,
    secondsSinceLastReplay: row.seconds_since_last_replay,
  });
}
