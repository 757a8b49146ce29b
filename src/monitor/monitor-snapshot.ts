// What the monitor shows at one moment: per node role, state, LSN, lag, eligibility and reads in the last
// interval, plus the primary's WAL rate. Built purely from two consecutive cluster checks (rates need both).
import type { ClusterCheck, LagLimits, NodeRole } from './check-cluster';
import { PROBE_TRANSACTIONS } from './node-probe';
import { lsnDiff } from '../replication/lsn';

/**
 * Where the reads column comes from:
 * - `routed-events`: 'query' events of read operations the router reported per node (the monitor was given the
 *   application's event stream);
 * - `server-xact-commit`: standalone, each server's own pg_stat_database.xact_commit delta, minus the monitor's
 *   own probe transactions (on a standby every transaction is a read; on the primary it counts writes too).
 */
export type ReadsSource = 'routed-events' | 'server-xact-commit';

export interface MonitorNode {
  readonly name: string;
  readonly role: NodeRole;
  readonly state: string;
  /** Primary: its current WAL LSN. Standby: its replay LSN. */
  readonly lsn: string | null;
  readonly lagBytes: number | null;
  readonly lagMs: number | null;
  /** Eligible for reads now (standbys only; null for the primary). */
  readonly eligible: boolean | null;
  readonly ineligibleReason: string | null;
  /** Reads in the last interval (see `readsSource`); null when unknown (first sample, or the node is down). */
  readonly reads: number | null;
  /** `reads` per second of the interval. */
  readonly readsPerSec: number | null;
  /** Why the node is down, else null. */
  readonly error: string | null;
}

export interface MonitorSnapshot {
  /** When the checks started, ISO 8601. */
  readonly at: string;
  /** Length of the interval the rates cover, in ms; null for a first sample. */
  readonly intervalMs: number | null;
  /** Name of the node answering as primary, or null when none does. */
  readonly primary: string | null;
  /** Bytes of WAL per second the primary wrote over the interval (pg_current_wal_lsn deltas). */
  readonly walBytesPerSec: number | null;
  readonly readsSource: ReadsSource;
  /** The eligibility rule: lag ≤ maxLagMs or lag bytes ≤ maxLagBytes. */
  readonly limits: LagLimits;
  readonly nodes: readonly MonitorNode[];
}

/**
 * Builds the snapshot for `current`, with rates against `previous` (the check one interval earlier).
 * `routedReads` holds the reads counted per node since `previous` in `routed-events` mode; omit it standalone.
 */
export function buildSnapshot(
  current: ClusterCheck,
  previous: ClusterCheck | null,
  limits: LagLimits,
  routedReads?: ReadonlyMap<string, number>,
): MonitorSnapshot {
  const intervalMs = previous ? current.at - previous.at : null;
  const seconds = intervalMs !== null && intervalMs > 0 ? intervalMs / 1000 : null;
  const rate = (n: number | null) => (n === null || seconds === null ? null : n / seconds);

  let walBytesPerSec: number | null = null;
  if (previous && current.primary !== null && current.primary === previous.primary) {
    if (current.primaryLsn !== null && previous.primaryLsn !== null) {
      walBytesPerSec = rate(Math.max(0, Number(lsnDiff(current.primaryLsn, previous.primaryLsn))));
    }
  }

  const nodes = current.nodes.map((node): MonitorNode => {
    const before = previous?.nodes.find((n) => n.name === node.name);
    let reads: number | null = null;
    if (routedReads) {
      reads = previous ? (routedReads.get(node.name) ?? 0) : null;
    } else if (node.xactCommit !== null && before?.xactCommit != null) {
      reads = Math.max(0, node.xactCommit - before.xactCommit - PROBE_TRANSACTIONS);
    }
    return {
      name: node.name,
      role: node.role,
      state: node.state,
      lsn: node.lsn,
      lagBytes: node.lagBytes,
      lagMs: node.lagMs,
      eligible: node.eligible,
      ineligibleReason: node.ineligibleReason,
      reads,
      readsPerSec: rate(reads),
      error: node.error,
    };
  });

  return {
    at: new Date(current.at).toISOString(),
    intervalMs,
    primary: current.primary,
    walBytesPerSec,
    readsSource: routedReads ? 'routed-events' : 'server-xact-commit',
    limits: { maxLagMs: limits.maxLagMs, maxLagBytes: limits.maxLagBytes },
    nodes,
  };
}
