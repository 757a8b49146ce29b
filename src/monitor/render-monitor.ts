// The monitor's screen as a pure function of a snapshot, so it is tested without a terminal or a cluster.
import Table from 'cli-table3';
import type { MonitorSnapshot } from './monitor-snapshot';

/** 1536 → "1.5 KiB"; binary units, as PostgreSQL's pg_size_pretty uses. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** 850 → "850 ms", 12_300 → "12.3 s". */
export function formatMs(ms: number | null): string {
  if (ms === null) return '-';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The header line that says what the last two columns count. */
export function readsHeader(snapshot: Pick<MonitorSnapshot, 'readsSource' | 'readsUrl'>): string {
  switch (snapshot.readsSource) {
    case 'router-events':
      return "reads: read operations the router sent to each node in the last interval (the router's query events)";
    case 'metrics-scrape':
      return (
        'reads: read operations the application routed to each node in the last interval ' +
        `(rwsplit_queries_total deltas from ${snapshot.readsUrl ?? 'its /metrics'})`
      );
    case null:
      return (
        'xacts: transactions committed on each server in the last interval, by any client ' +
        "(pg_stat_database.xact_commit delta, the monitor's own excluded; on the primary this includes writes). " +
        "For reads routed per node, pass --metrics-url <your application's /metrics>"
      );
  }
}

export interface RenderOptions {
  /** A hint line at the bottom, e.g. "Ctrl-C to quit". Default none. */
  readonly footer?: string;
}

/** Renders the monitor screen: a header, one table row per node, then the reason for each node that is down. */
export function renderMonitor(snapshot: MonitorSnapshot, options: RenderOptions = {}): string {
  const { limits } = snapshot;
  const interval =
    snapshot.intervalMs === null ? 'first sample' : `interval ${(snapshot.intervalMs / 1000).toFixed(1)} s`;
  const wal = snapshot.walBytesPerSec === null ? '-' : `${formatBytes(snapshot.walBytesPerSec)}/s`;
  const lines = [
    `rwsplit monitor  ${snapshot.at}  (${interval})`,
    `primary: ${snapshot.primary ?? 'none answering'}   WAL rate: ${wal}   ` +
      `eligible for reads: reachable, in recovery, lag <= ${formatMs(limits.maxLagMs)} or <= ${formatBytes(limits.maxLagBytes)}`,
    "LSN: the primary's current WAL position, each standby's replay position",
    readsHeader(snapshot),
  ];
  const routed = snapshot.readsSource !== null;
  const table = new Table({
    head: [
      'node',
      'address',
      'role',
      'state',
      'LSN',
      'lag bytes',
      'lag time',
      'eligible',
      ...(routed ? ['reads', 'reads/s'] : ['xacts', 'xacts/s']),
    ],
    style: { head: [], border: [] },
  });
  for (const n of snapshot.nodes) {
    const eligible =
      n.eligible === null ? '-' : n.eligible ? 'yes' : `no (${(n.ineligibleReason ?? 'unknown').replace(/_/g, ' ')})`;
    const count = routed ? n.reads : n.serverTransactions;
    const perSec = routed ? n.readsPerSec : n.serverTransactionsPerSec;
    table.push([
      n.name,
      n.address,
      n.role,
      n.state,
      n.lsn ?? '-',
      formatBytes(n.lagBytes),
      formatMs(n.lagMs),
      eligible,
      count === null ? '-' : String(count),
      perSec === null ? '-' : perSec.toFixed(1),
    ]);
  }
  lines.push(table.toString());
  if (snapshot.readsError) lines.push(`reads unknown: ${snapshot.readsError}`);
  if (snapshot.otherReads.length > 0) {
    const list = snapshot.otherReads.map((o) => `${o.address} ${o.reads}`).join(', ');
    lines.push(
      `reads to nodes not configured here: ${list}. Give the monitor the same URLs as the application ` +
        '(DATABASE_URL, REPLICA_URLS): nodes are matched by host:port as written.',
    );
  }
  for (const n of snapshot.nodes) {
    if (n.error) lines.push(`${n.name}: ${n.error}`);
  }
  if (options.footer) lines.push(options.footer);
  return lines.join('\n');
}
