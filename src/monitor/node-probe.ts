// One look at one node, on a short-lived connection of its own (never the request path's pools).
// Everything runs in a single read-only transaction, so a probe adds a known number to the node's xact_commit
// and the monitor can subtract its own traffic from the server's transaction counter.
import type pg from 'pg';
import { maskUrl } from '../config';
import { type PgTarget, withPg } from '../db/pg-client';
import { IS_IN_RECOVERY, PRIMARY_WAL_LSN, STANDBY_STATUS } from '../replication/queries';

/**
 * The database's own counters plus the WAL receiver's state: transactions committed on this server (reads on a
 * standby) and whether the standby streams right now. pg_stat_wal_receiver is empty on a primary.
 */
export const NODE_ACTIVITY = `
  SELECT d.xact_commit::float8 AS xact_commit,
         d.tup_returned::float8 AS tup_returned,
         (SELECT status FROM pg_stat_wal_receiver LIMIT 1) AS receiver_status
    FROM pg_stat_database d
   WHERE d.datname = current_database()`;

/**
 * Transactions each probe commits on the node it looks at, which the monitor subtracts from xact_commit deltas:
 * the backend's start-up transaction (reading the catalogs at connect) plus the probe's own. Measured on PG 17.
 */
export const PROBE_TRANSACTIONS = 2;

/** Default time a probe may take (connect, then each query), in ms: below the 1 s refresh. */
export const DEFAULT_PROBE_TIMEOUT_MS = 800;

/** What one node said, or why it said nothing. */
export interface NodeProbe {
  readonly name: string;
  readonly reachable: boolean;
  /** Why the node did not answer (URLs masked), else null. */
  readonly error: string | null;
  readonly inRecovery: boolean | null;
  /** Primary: pg_current_wal_lsn(). Standby: pg_last_wal_replay_lsn(). */
  readonly lsn: string | null;
  /** Standby: pg_last_wal_receive_lsn(); null on a primary. */
  readonly receiveLsn: string | null;
  readonly replayPaused: boolean | null;
  /** Standby: seconds since the last replayed commit was committed on the primary (grows while idle). */
  readonly secondsSinceLastReplay: number | null;
  /** pg_stat_wal_receiver.status, e.g. `streaming`; null on a primary or when no receiver runs. */
  readonly receiverStatus: string | null;
  readonly xactCommit: number | null;
  readonly tupReturned: number | null;
}

interface StandbyRow {
  receive_lsn: string | null;
  replay_lsn: string | null;
  replay_paused: boolean | null;
  seconds_since_last_replay: number | null;
}

interface ActivityRow {
  xact_commit: number | null;
  tup_returned: number | null;
  receiver_status: string | null;
}

function withTimeouts(target: PgTarget, timeoutMs: number): pg.ClientConfig {
  const config: pg.ClientConfig = typeof target === 'string' ? { connectionString: target } : { ...target };
  return { ...config, query_timeout: timeoutMs, application_name: 'rwsplit-monitor' };
}

/** Probes one node. Never throws: an unreachable node comes back as `reachable: false` with the reason. */
export async function probeNode(
  name: string,
  target: PgTarget,
  timeoutMs = DEFAULT_PROBE_TIMEOUT_MS,
): Promise<NodeProbe> {
  try {
    return await withPg(
      withTimeouts(target, timeoutMs),
      async (c) => {
        await c.query('BEGIN READ ONLY');
        const inRecovery = (await c.query<{ in_recovery: boolean }>(IS_IN_RECOVERY)).rows[0]?.in_recovery === true;
        let lsn: string | null;
        let standby: StandbyRow | undefined;
        if (inRecovery) {
          standby = (await c.query<StandbyRow>(STANDBY_STATUS)).rows[0];
          lsn = standby?.replay_lsn ?? null;
        } else {
          lsn = (await c.query<{ lsn: string }>(PRIMARY_WAL_LSN)).rows[0]?.lsn ?? null;
        }
        const activity = (await c.query<ActivityRow>(NODE_ACTIVITY)).rows[0];
        await c.query('COMMIT');
        return {
          name,
          reachable: true,
          error: null,
          inRecovery,
          lsn,
          receiveLsn: standby?.receive_lsn ?? null,
          replayPaused: standby?.replay_paused ?? null,
          secondsSinceLastReplay: standby?.seconds_since_last_replay ?? null,
          receiverStatus: activity?.receiver_status ?? null,
          xactCommit: activity?.xact_commit ?? null,
          tupReturned: activity?.tup_returned ?? null,
        };
      },
      timeoutMs,
    );
  } catch (err) {
    return {
      name,
      reachable: false,
      error: maskUrl(err instanceof Error ? err.message || err.name : String(err)),
      inRecovery: null,
      lsn: null,
      receiveLsn: null,
      replayPaused: null,
      secondsSinceLastReplay: null,
      receiverStatus: null,
      xactCommit: null,
      tupReturned: null,
    };
  }
}
