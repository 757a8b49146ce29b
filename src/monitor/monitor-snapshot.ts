// What the monitor shows at one moment: per node role, state, LSN, lag, eligibility, reads routed to it and the
// server's own transactions in the last interval, plus the primary's WAL rate. Built purely from two consecutive
// cluster checks (rates need both) and the interval's routed reads, when the monitor has a source for them.
import { type ClusterCheck, HEALTH_CHECK_TRANSACTIONS, type LagLimits, type NodeRole } from './check-cluster';
import { PROBE_TRANSACTIONS } from './node-probe';
import { lsnDiff } from 'rwsplit';

/**
 * Where the `reads` figures come from:
 * - `router-events`: the router's 'query' events of read operations, per node (the monitor runs inside the
 *   application, `createMonitor({ countRoutedReads: true })` with `monitor.listener` wired into the router);
 * - `metrics-scrape`: deltas of `rwsplit_queries_total` (read operations) scraped from the application's
 *   /metrics endpoint (`npm run monitor -- --metrics-url …`);
 * - `null`: no source; `reads` stays null and only `serverTransactions` is known.
 */
export type ReadsSource = 'router-events' | 'metrics-scrape' | null;

/** The reads of one interval, as the monitor's read source reports them. */
export interface IntervalReads {
  readonly source: Exclude<ReadsSource, null>;
  /** Reads per node address (`host:port`) in the interval; null when unknown (first sample, or a failed scrape). */
  readonly perAddress: ReadonlyMap<string, number> | null;
  /** Why `perAddress` is unknown when it should be known (e.g. the scrape failed), else null. */
  readonly error: string | null;
  /** The scraped URL in `metrics-scrape` mode, else null. */
  readonly url: string | null;
}

export interface MonitorNode {
  /** Configured name: `primary`, `standby1` … */
  readonly name: string;
  /** `host:port`: the node's name in the router's events and in the metrics' `node` label. */
  readonly address: string;
  readonly role: NodeRole;
  readonly state: string;
  /** Primary: its current WAL LSN. Standby: its replay LSN. */
  readonly lsn: string | null;
  readonly lagBytes: number | null;
  readonly lagMs: number | null;
  /** Eligible for reads now (standbys only; null for the primary). */
  readonly eligible: boolean | null;
  readonly ineligibleReason: string | null;
  /**
   * Read operations routed to this node in the last interval (see the snapshot's `readsSource`); null when the
   * monitor has no read source, on a first sample, or when the scrape failed.
   */
  readonly reads: number | null;
  /** `reads` per second of the interval. */
  readonly readsPerSec: number | null;
  /**
   * Transactions committed on this server in the last interval (pg_stat_database.xact_commit delta, the
   * monitor's own excluded), by any client: not only routed reads, and on the primary writes too. Null on a
   * first sample or while the node is down.
   */
  readonly serverTransactions: number | null;
  /** `serverTransactions` per second of the interval. */
  readonly serverTransactionsPerSec: number | null;
  /** Why the node is down, else null. */
  readonly error: string | null;
}

export interface MonitorSnapshot {
  /** When the checks started, ISO 8601. */
  readonly at: string;
  /** Length of the interval the rates cover, in ms; null for a first sample. */
  readonly intervalMs: number | null;
  /** Configured name of the node answering as primary, or null when none does. */
  readonly primary: string | null;
  /** Bytes of WAL per second the primary wrote over the interval (pg_current_wal_lsn deltas). */
  readonly walBytesPerSec: number | null;
  /** Where `reads` come from; null when the monitor has no read source (only server transactions are shown). */
  readonly readsSource: ReadsSource;
  /** The /metrics URL scraped for reads (`metrics-scrape`), else null. */
  readonly readsUrl: string | null;
  /** Why this interval's reads are unknown although a source is set (e.g. the scrape failed), else null. */
  readonly readsError: string | null;
  /**
   * Reads the source reported for addresses that match no configured node (e.g. the application's URLs say
   * `localhost` where the monitor's say `127.0.0.1`). Empty when every read matched a row.
   */
  readonly otherReads: readonly { readonly address: string; readonly reads: number }[];
  /** The eligibility rule: lag ≤ maxLagMs or lag bytes ≤ maxLagBytes. */
  readonly limits: LagLimits;
  readonly nodes: readonly MonitorNode[];
}

/**
 * Builds the snapshot for `current`, with rates against `previous` (the check one interval earlier).
 * `reads` holds the interval's routed reads when the monitor has a read source; omit it when it has none.
 */
export function buildSnapshot(
  current: ClusterCheck,
  previous: ClusterCheck | null,
  limits: LagLimits,
  reads?: IntervalReads,
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

  const perAddress = previous ? (reads?.perAddress ?? null) : null;
  const nodes = current.nodes.map((node): MonitorNode => {
    const before = previous?.nodes.find((n) => n.address === node.address);
    const now = node.activity?.xactCommit ?? null;
    const then = before?.activity?.xactCommit ?? null;
    // The monitor's own: this round's probe, and the previous round's health check (it ran after that probe).
    const own = PROBE_TRANSACTIONS + (before?.healthChecked ? HEALTH_CHECK_TRANSACTIONS : 0);
    const serverTransactions = now !== null && then !== null ? Math.max(0, now - then - own) : null;
    const routed = perAddress ? (perAddress.get(node.address) ?? 0) : null;
    return {
      name: node.name,
      address: node.address,
      role: node.role,
      state: node.state,
      lsn: node.lsn,
      lagBytes: node.lagBytes,
      lagMs: node.lagMs,
      eligible: node.eligible,
      ineligibleReason: node.ineligibleReason,
      reads: routed,
      readsPerSec: rate(routed),
      serverTransactions,
      serverTransactionsPerSec: rate(serverTransactions),
      error: node.error,
    };
  });

  const known = new Set(current.nodes.map((n) => n.address));
  const otherReads = [...(perAddress ?? new Map<string, number>())]
    .filter(([address, n]) => !known.has(address) && n > 0)
    .map(([address, n]) => ({ address, reads: n }));

  return {
    at: new Date(current.at).toISOString(),
    intervalMs,
    primary: current.primary,
    walBytesPerSec,
    readsSource: reads?.source ?? null,
    readsUrl: reads?.url ?? null,
    readsError: reads?.error ?? null,
    otherReads,
    limits: { maxLagMs: limits.maxLagMs, maxLagBytes: limits.maxLagBytes },
    nodes,
  };
}
