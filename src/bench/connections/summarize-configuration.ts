// One configuration's figures (a way × a number of processes), from the samples taken while its load ran and
// the children's reports: connections per node (max and mean over the samples), health checks per second per
// replica and position queries per second (over all children), and the read latency over every child's reads.
import { LatencyRecorder } from '../common/latency-recorder';
import type { LatencySummary } from '../common/percentiles';
import type { ChildReport } from './child-report';
import type { ConnectionSample } from './connection-sample';
import type { Via } from './via';

/** A count over the samples. */
export interface MaxMean {
  readonly max: number;
  readonly mean: number;
}

export interface ConfigurationResult {
  readonly via: Via;
  readonly processes: number;
  /** Node names, the primary first. */
  readonly nodes: readonly string[];
  /** Samples taken while the load ran. */
  readonly samples: number;
  /** Server connections of the bench's children per node (pg_stat_activity). */
  readonly serverConnections: Readonly<Record<string, MaxMean>>;
  /** Of those, the ones last used by rwsplit's health-check or position queries (meaningful direct only). */
  readonly routingConnections: Readonly<Record<string, MaxMean>>;
  /** Other connections of the application's role per node (not the bench's): should be 0. */
  readonly otherConnectionsMax: Readonly<Record<string, number>>;
  /** PgBouncer's client connections per node (SHOW POOLS); null when direct. */
  readonly pgbouncerClients: Readonly<Record<string, MaxMean>> | null;
  /** PgBouncer's server connections per node (SHOW POOLS); null when direct. */
  readonly pgbouncerServers: Readonly<Record<string, MaxMean>> | null;
  /** Health checks per second per replica, all processes together. */
  readonly healthChecksPerSecond: Readonly<Record<string, number>>;
  /** Position queries the primary answered per second, all processes together. */
  readonly positionQueriesPerSecond: number;
  /** Eventual reads over every process; null when none returned. */
  readonly read: LatencySummary | null;
  readonly reads: number;
  readonly readErrors: number;
  /** Operations that succeeded on each node (reads, writes), all processes together. */
  readonly operationsByNode: Readonly<Record<string, number>>;
  /** Reads sent to the primary because no replica qualified. */
  readonly fallbackReads: number;
  /** Replicas taken out of rotation during the load, by reason, all processes together. */
  readonly ejections: Readonly<Record<string, number>>;
  /** Read-your-writes session pairs. */
  readonly sessions: number;
  readonly sessionErrors: number;
  /** Mean load window of the processes, in s. */
  readonly windowSeconds: number;
}

export interface ConfigurationInput {
  readonly via: Via;
  readonly processes: number;
  readonly nodes: readonly string[];
  readonly samples: readonly ConnectionSample[];
  readonly reports: readonly ChildReport[];
}

function maxMean(samples: readonly ConnectionSample[], pick: (s: ConnectionSample) => number): MaxMean {
  const values = samples.map(pick);
  if (values.length === 0) return { max: 0, mean: 0 };
  return { max: Math.max(...values), mean: values.reduce((a, b) => a + b, 0) / values.length };
}

const perNode = (nodes: readonly string[], value: (node: string) => MaxMean) =>
  Object.fromEntries(nodes.map((n) => [n, value(n)]));

/** Sum over the children of count ÷ the child's own load window (so a child that ran longer weighs the same). */
function ratePerSecond(reports: readonly ChildReport[], count: (r: ChildReport) => number): number {
  return reports.reduce((total, r) => total + (r.windowMs > 0 ? count(r) / (r.windowMs / 1000) : 0), 0);
}

/** Per-key sums of several counts. */
function sumCounts(counts: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const c of counts) for (const [key, n] of Object.entries(c)) total[key] = (total[key] ?? 0) + n;
  return total;
}

/** The configuration's figures. Pure: the samples and reports are not modified. */
export function summarizeConfiguration(input: ConfigurationInput): ConfigurationResult {
  const { nodes, samples, reports } = input;
  const replicas = nodes.slice(1);
  const recorder = new LatencyRecorder();
  for (const r of reports) for (const ms of r.readLatenciesMs) recorder.record(ms);
  const viaPgBouncer = samples.length > 0 && samples.every((s) => s.pgbouncerClients !== null);
  return {
    via: input.via,
    processes: input.processes,
    nodes,
    samples: samples.length,
    serverConnections: perNode(nodes, (n) => maxMean(samples, (s) => s.server[n] ?? 0)),
    routingConnections: perNode(nodes, (n) => maxMean(samples, (s) => s.routing[n] ?? 0)),
    otherConnectionsMax: Object.fromEntries(
      nodes.map((n) => [n, Math.max(0, ...samples.map((s) => s.others[n] ?? 0))]),
    ),
    pgbouncerClients: viaPgBouncer
      ? perNode(nodes, (n) => maxMean(samples, (s) => s.pgbouncerClients?.[n] ?? 0))
      : null,
    pgbouncerServers: viaPgBouncer
      ? perNode(nodes, (n) => maxMean(samples, (s) => s.pgbouncerServers?.[n] ?? 0))
      : null,
    healthChecksPerSecond: Object.fromEntries(
      replicas.map((n) => [n, ratePerSecond(reports, (r) => r.checksByNode[n] ?? 0)]),
    ),
    positionQueriesPerSecond: ratePerSecond(reports, (r) => r.positionQueries),
    read: recorder.count > 0 ? recorder.summary() : null,
    operationsByNode: sumCounts(reports.map((r) => r.queriesByNode)),
    fallbackReads: reports.reduce((t, r) => t + r.fallbackReads, 0),
    ejections: sumCounts(reports.map((r) => r.ejections)),
    reads: reports.reduce((t, r) => t + r.reads, 0),
    readErrors: reports.reduce((t, r) => t + r.readErrors, 0),
    sessions: reports.reduce((t, r) => t + r.sessions, 0),
    sessionErrors: reports.reduce((t, r) => t + r.sessionErrors, 0),
    windowSeconds: reports.length === 0 ? 0 : reports.reduce((t, r) => t + r.windowMs, 0) / reports.length / 1000,
  };
}
