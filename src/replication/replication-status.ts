// pg_stat_replication as the primary sees it: one typed row per connected standby.
import { type PgTarget, queryOnce } from '../db/pg-client';
import { REPLICATION_STATUS } from './queries';
import type { LsnText } from 'rwsplit';

/** One standby's replication connection, from the primary's pg_stat_replication. */
export interface ReplicationStatus {
  /** The standby's `application_name` (the local cluster names it after the node, e.g. `standby1`). */
  readonly applicationName: string;
  /** The standby's address, or null over a Unix socket. */
  readonly clientAddr: string | null;
  /** `startup`, `catchup`, `streaming`, `backup` or `stopping`. */
  readonly state: string;
  /** `async`, `potential`, `sync` or `quorum`. */
  readonly syncState: string;
  readonly sentLsn: LsnText | null;
  readonly writeLsn: LsnText | null;
  readonly flushLsn: LsnText | null;
  readonly replayLsn: LsnText | null;
  /** Bytes of WAL the standby has still to replay: pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn). */
  readonly replayLagBytes: number | null;
  /**
   * PostgreSQL's own lag intervals in seconds. NULL once the standby has caught up and no new WAL arrives
   * (PostgreSQL clears them when idle), so null means "nothing measured lately", not "no lag".
   */
  readonly writeLagSeconds: number | null;
  readonly flushLagSeconds: number | null;
  readonly replayLagSeconds: number | null;
}

interface Row {
  application_name: string;
  client_addr: string | null;
  state: string;
  sync_state: string;
  sent_lsn: string | null;
  write_lsn: string | null;
  flush_lsn: string | null;
  replay_lsn: string | null;
  replay_lag_bytes: number | null;
  write_lag_seconds: number | null;
  flush_lag_seconds: number | null;
  replay_lag_seconds: number | null;
}

function toReplicationStatus(r: Row): ReplicationStatus {
  return Object.freeze({
    applicationName: r.application_name,
    clientAddr: r.client_addr,
    state: r.state,
    syncState: r.sync_state,
    sentLsn: r.sent_lsn,
    writeLsn: r.write_lsn,
    flushLsn: r.flush_lsn,
    replayLsn: r.replay_lsn,
    replayLagBytes: r.replay_lag_bytes,
    writeLagSeconds: r.write_lag_seconds,
    flushLagSeconds: r.flush_lag_seconds,
    replayLagSeconds: r.replay_lag_seconds,
  });
}

/**
 * Reads pg_stat_replication on the primary, on a short-lived connection of its own. The role needs pg_monitor
 * (the local cluster's application role has it); without it PostgreSQL hides the LSN and lag columns (null here).
 */
export async function readReplicationStatus(primary: PgTarget): Promise<ReplicationStatus[]> {
  try {
    return (await queryOnce<Row>(primary, REPLICATION_STATUS)).map(toReplicationStatus);
  } catch (cause) {
    throw new Error('Could not read pg_stat_replication on the primary. Is it up (`npm run check`)?', { cause });
  }
}
