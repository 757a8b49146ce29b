// The demo's printed sections. Only presentation: the numbers come from the demo parts.
import Table from 'cli-table3';
import type { LatencySummary } from '../bench/common/percentiles';
import type { ReplicationOverview } from '../replication/replication-overview';
import type { ServerIdentity } from '../replication/server-identity';
import type { BasicDemoResult } from './basic-demo';
import type { ConsistencyCheckResult } from './consistency-check';
import type { PerformanceTestResult } from './performance-test';

const style = { head: [], border: [] };
const ms = (v: number) => (v < 10 ? v.toFixed(3) : v.toFixed(1));
const orDash = (v: string | number | null | undefined) => (v === null || v === undefined ? '-' : String(v));
const seconds = (v: number | null) => (v === null ? '-' : v.toFixed(4));

/** A section title line. */
export function heading(title: string): string {
  return `\n== ${title} ${'='.repeat(Math.max(3, 100 - title.length))}`;
}

function who(id: ServerIdentity): string {
  const name = id.name ? `${id.name}, ` : '';
  return `${name}port ${id.port}, pg_is_in_recovery() = ${id.inRecovery}`;
}

/** Two tables: the primary's view of each standby, and each standby's own view. */
export function formatReplicationOverview(o: ReplicationOverview): string {
  const primaryView = new Table({
    head: [
      'standby',
      'state',
      'sync',
      'sent LSN',
      'write LSN',
      'flush LSN',
      'replay LSN',
      'lag bytes',
      'write lag s',
      'flush lag s',
      'replay lag s',
    ],
    style,
  });
  const rows = [
    ...o.standbys.map((s) => ({ name: s.name, r: s.replication })),
    ...o.otherConnections.map((r) => ({ name: `(${r.applicationName})`, r })),
  ];
  for (const { name, r } of rows) {
    primaryView.push(
      r
        ? [
            name,
            r.state,
            r.syncState,
            orDash(r.sentLsn),
            orDash(r.writeLsn),
            orDash(r.flushLsn),
            orDash(r.replayLsn),
            orDash(r.replayLagBytes),
            seconds(r.writeLagSeconds),
            seconds(r.flushLagSeconds),
            seconds(r.replayLagSeconds),
          ]
        : [name, 'not connected', '-', '-', '-', '-', '-', '-', '-', '-', '-'],
    );
  }
  const standbyView = new Table({
    head: ['standby', 'in recovery', 'receive LSN', 'replay LSN', 'replay paused', 'last replayed commit'],
    style,
  });
  for (const s of o.standbys) {
    const st = s.status;
    standbyView.push([
      s.name,
      String(st.inRecovery),
      orDash(st.receiveLsn),
      orDash(st.replayLsn),
      String(st.replayPaused),
      st.lastReplayAt ? st.lastReplayAt.toISOString() : '-',
    ]);
  }
  return [
    `primary WAL position ${o.primary.lsn} (segment file ${o.primary.walFile})`,
    "pg_stat_replication on the primary (lag intervals are NULL, shown '-', once a standby has caught up and WAL is idle):",
    primaryView.toString(),
    "each standby's own view:",
    standbyView.toString(),
  ].join('\n');
}

export function formatBasicDemo(r: BasicDemoResult): string {
  const waits = r.waits.map(
    (w) => `${w.name} after ${ms(w.elapsedMs)} ms (${w.polls} poll${w.polls === 1 ? '' : 's'})`,
  );
  const read = r.readBack
    ? `read row ${r.readBack.id} back through the replicated client from ${who(r.readFrom)}: "${r.readBack.data}"`
    : `row ${r.written.id} was NOT found on ${who(r.readFrom)}`;
  return [
    heading('1. Basic demo: write on the primary, read it back from a standby'),
    `wrote row ${r.written.id} via ${r.written.via} on the primary (${who(r.primary)})`,
    `end of WAL after the write: ${r.lsn}; replayed by ${waits.join(', ')}`,
    read,
    '',
    formatReplicationOverview(r.overview),
  ].join('\n');
}

function latencyRow(name: string, s: LatencySummary): string[] {
  return [name, String(s.samples), ms(s.p50Ms), ms(s.p95Ms), ms(s.meanMs), ms(s.minMs), ms(s.maxMs)];
}

export function formatPerformanceTest(r: PerformanceTestResult): string {
  const table = new Table({ head: ['operation', 'n', 'p50 ms', 'p95 ms', 'mean ms', 'min ms', 'max ms'], style });
  table.push(
    latencyRow('read: findMany 10 newest rows (standby)', r.reads),
    latencyRow('write: insert one row (primary)', r.writes),
  );
  return [
    heading('2. Performance test: reads on a standby vs writes on the primary, one at a time'),
    table.toString(),
    `write/read ratio (p50): ${r.writeToReadP50.toFixed(2)}×   (the seed: read 5–6 ms, write 81–114 ms through docker exec, 13.5–22.8×)`,
  ].join('\n');
}

export function formatConsistencyCheck(r: ConsistencyCheckResult): string {
  const table = new Table({ head: ['node', 'role', 'rows written', 'present', 'missing ids', 'rows in table'], style });
  for (const n of r.nodes) {
    table.push([
      n.name,
      n.role,
      String(r.written),
      String(n.present),
      n.missingIds.length ? n.missingIds.join(', ') : '-',
      String(n.tableRows),
    ]);
  }
  const waits = r.waits.map((w) => `${w.name} ${ms(w.elapsedMs)} ms`).join(', ');
  return [
    heading('3. Data consistency: write N rows, sync every standby to the primary LSN, compare'),
    `wrote ${r.written} rows (ids ${r.firstId}..${r.lastId}); waited for ${r.lsn} on each standby: ${waits}`,
    table.toString(),
    r.consistent
      ? `consistent: every node holds all ${r.written} rows`
      : 'NOT consistent: a node lacks rows it should hold after replaying the LSN (see missing ids)',
  ].join('\n');
}
