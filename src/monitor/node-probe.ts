// One look at one node, on a short-lived connection of its own (never the request path's pools).
// Everything runs in a single read-only transaction, so a probe adds a known number to the node's xact_commit
// and the monitor can subtract its own traffic from the server's transaction counter.
//
// The figures are the project's typed snapshots (StandbyStatus, PrimaryWalPosition from src/replication), filled
// from the same SQL constants readStandbyStatus / readPrimaryWalPosition run. Those functions each open a
// connection of their own; calling them here would add connections and transactions to every refresh, so the
// probe runs their queries inside its one transaction instead.
import type pg from 'pg';
import { maskUrl } from '../config';
import { type PgTarget, withPg } from '../db/pg-client';
import type { ConfiguredNode } from '../replication/configured-nodes';
import type { PrimaryWalPosition } from '../replication/primary-wal-position';
import { IS_IN_RECOVERY, PRIMARY_WAL_LSN, STANDBY_STATUS } from '../replication/queries';
import {
  NOT_A_STANDBY,
  type StandbyStatus,
  type StandbyStatusRow,
  standbyStatusFromRow,
} from '../replication/standby-status';

/**
 * The database's own counters plus the WAL receiver's state: transactions committed on this server (reads on a
 * standby) and whether the standby streams right now. pg_stat_wal_receiver is empty on a primary.
 */
export const NODE_ACTIVITY = `
  SELECT d.xact_commit::float8 AS xact_commit,
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

/** The node's activity counters (pg_stat_database, pg_stat_wal_receiver). */
export interface NodeActivity {
  /** pg_stat_wal_receiver.status, e.g. `streaming`; null on a primary or when no receiver runs. */
  readonly receiverStatus: string | null;
  /** pg_stat_database.xact_commit of the current database. */
  readonly xactCommit: number | null;
}

/** What one node said, or why it said nothing. */
export interface NodeProbe {
  /** The configured name (`primary`, `standby1` …). */
  readonly name: string;
  /** `host:port`: the node's name in events and metrics. */
  readonly address: string;
  readonly reachable: boolean;
  /** Why the node did not answer (URLs masked), else null. */
  readonly error: string | null;
  /** The node's standby status; `inRecovery: false` (and nulls) on a primary; null when unreachable. */
  readonly standby: StandbyStatus | null;
  /** The primary's WAL position; null on a standby or when unreachable. */
  readonly wal: PrimaryWalPosition | null;
  /** Null when unreachable. */
  readonly activity: NodeActivity | null;
}

function withTimeouts(target: PgTarget, timeoutMs: number): pg.ClientConfig {
  const config: pg.ClientConfig = typeof target === 'string' ? { connectionString: target } : { ...target };
  return { ...config, query_timeout: timeoutMs, application_name: 'rwsplit-monitor' };
}

async function readInTransaction(c: pg.Client): Promise<Pick<NodeProbe, 'standby' | 'wal' | 'activity'>> {
  await c.query('BEGIN READ ONLY');
  const inRecovery = (await c.query<{ in_recovery: boolean }>(IS_IN_RECOVERY)).rows[0]?.in_recovery === true;
  let standby: StandbyStatus = NOT_A_STANDBY;
  let wal: PrimaryWalPosition | null = null;
  if (inRecovery) {
    const row = (await c.query<StandbyStatusRow>(STANDBY_STATUS)).rows[0];
    if (!row) throw new Error('The standby status query returned no row; check the server log of this node.');
    standby = standbyStatusFromRow(row);
  } else {
    const row = (await c.query<{ lsn: string; walfile: string }>(PRIMARY_WAL_LSN)).rows[0];
    if (row) wal = Object.freeze({ lsn: row.lsn, walFile: row.walfile });
  }
  const activity = (await c.query<{ xact_commit: number | null; receiver_status: string | null }>(NODE_ACTIVITY))
    .rows[0];
  await c.query('COMMIT');
  return {
    standby,
    wal,
    activity: { receiverStatus: activity?.receiver_status ?? null, xactCommit: activity?.xact_commit ?? null },
  };
}

/** Probes one node. Never throws: an unreachable node comes back as `reachable: false` with the reason. */
export async function probeNode(
  node: Pick<ConfiguredNode, 'name' | 'address' | 'url'>,
  timeoutMs = DEFAULT_PROBE_TIMEOUT_MS,
): Promise<NodeProbe> {
  const { name, address } = node;
  try {
    const figures = await withPg(withTimeouts(node.url, timeoutMs), readInTransaction, timeoutMs);
    return { name, address, reachable: true, error: null, ...figures };
  } catch (err) {
    const error = maskUrl(err instanceof Error ? err.message || err.name : String(err));
    return { name, address, reachable: false, error, standby: null, wal: null, activity: null };
  }
}

/** The node's position: the primary's current WAL LSN, or a standby's replay LSN; null when unknown. */
export function probeLsn(probe: NodeProbe): string | null {
  return probe.wal?.lsn ?? probe.standby?.replayLsn ?? null;
}
