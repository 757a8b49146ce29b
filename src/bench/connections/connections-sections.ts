// The connection bench's tables (report sections, printed by formatConnectionsTable…): one table of every configuration, the means behind its maxima, the per-process
// figures of the direct runs, and their extrapolation to 100 processes × (1 primary + 10 replicas) with its formula.
import { PGBOUNCER_DEFAULTS } from '../../cluster/pgbouncer-config';
import { EXTRAPOLATION } from './bench-connections-options';
import type { ReportSection } from '../report/report-data';
import type { ConnectionsBenchRun } from './run-connections-bench';
import {
  connectionBound,
  extrapolateConnections,
  HEALTH_POOL_MAX,
  perProcessConnections,
  POSITION_POOL_MAX,
} from './extrapolate-connections';
import type { ConfigurationResult, MaxMean } from './summarize-configuration';

/** rwsplit's default pool size, which the bench's processes use. */
const LIBRARY_POOL_SIZE = 10;

const whole = (n: number) => Math.round(n).toLocaleString('en-US');
const oneDecimal = (n: number) => n.toFixed(1);
const twoDecimals = (n: number) => n.toFixed(2);
const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

/** `a / b / c` of the nodes' figures, in node order. */
function perNode(nodes: readonly string[], values: (node: string) => string): string {
  return nodes.map(values).join(' / ');
}

const maxOf = (figures: Readonly<Record<string, MaxMean>> | null, digits: (n: number) => string = whole) =>
  figures === null ? () => '-' : (n: string) => digits(figures[n]?.max ?? 0);
const meanOf = (figures: Readonly<Record<string, MaxMean>> | null) =>
  figures === null ? () => '-' : (n: string) => oneDecimal(figures[n]?.mean ?? 0);

/** The main table: one row per configuration. */
export function connectionsSection(configurations: readonly ConfigurationResult[]): ReportSection {
  const nodes = configurations[0]?.nodes ?? [];
  const replicas = nodes.slice(1);
  return {
    id: 'connections',
    title: 'Connections, checks and read latency per configuration',
    columns: [
      'via',
      'processes',
      `server connections per node, max\n(${nodes.join(' / ')})`,
      'PgBouncer client\nconnections per node, max',
      `health checks/s per replica\n(${replicas.join(' / ')})`,
      'position\nqueries/s',
      'read p50\nms',
      'read p99\nms',
    ],
    rows: configurations.map((c) => [
      c.via,
      c.processes,
      perNode(c.nodes, maxOf(c.serverConnections)),
      c.pgbouncerClients === null ? '-' : perNode(c.nodes, maxOf(c.pgbouncerClients)),
      perNode(c.nodes.slice(1), (n) => oneDecimal(c.healthChecksPerSecond[n] ?? 0)),
      oneDecimal(c.positionQueriesPerSecond),
      c.read ? ms(c.read.p50Ms) : '-',
      c.read ? ms(c.read.p99Ms) : '-',
    ]),
  };
}

/** The means behind the maxima, PgBouncer's own server connections, and the load each configuration ran. */
export function meansSection(configurations: readonly ConfigurationResult[]): ReportSection {
  const nodes = configurations[0]?.nodes ?? [];
  return {
    id: 'connections-means',
    title: 'The means behind the maxima, and the load each configuration ran',
    columns: [
      'via',
      'processes',
      'samples',
      `server connections\nper node, mean`,
      'PgBouncer client\nconnections, mean',
      "PgBouncer's server\nconnections, max",
      'reads',
      'sessions',
      'operations\non replicas',
      'fallback reads /\nejections',
    ],
    rows: configurations.map((c) => {
      const operations = Object.values(c.operationsByNode).reduce((a, b) => a + b, 0);
      const onReplicas = c.nodes.slice(1).reduce((t, n) => t + (c.operationsByNode[n] ?? 0), 0);
      const ejections = Object.values(c.ejections).reduce((a, b) => a + b, 0);
      return [
        c.via,
        c.processes,
        c.samples,
        perNode(nodes, meanOf(c.serverConnections)),
        c.pgbouncerClients === null ? '-' : perNode(nodes, meanOf(c.pgbouncerClients)),
        c.pgbouncerServers === null ? '-' : perNode(nodes, maxOf(c.pgbouncerServers)),
        whole(c.reads),
        whole(c.sessions),
        operations === 0 ? '-' : `${oneDecimal((100 * onReplicas) / operations)}%`,
        `${whole(c.fallbackReads)} / ${whole(ejections)}`,
      ];
    }),
  };
}

/** Per-process server connections of the direct runs; null without a direct run. */
export function perProcessSection(run: ConnectionsBenchRun): ReportSection | null {
  const direct = run.configurations.filter((c) => c.via === 'direct');
  if (direct.length === 0) return null;
  const nodes = direct[0]!.nodes;
  const per = (c: ConfigurationResult, figures: Readonly<Record<string, MaxMean>>) => (n: string) =>
    twoDecimals((figures[n]?.max ?? 0) / c.processes);
  return {
    id: 'connections-per-process',
    title: 'Server connections per process (direct)',
    columns: [
      'direct, processes',
      `server connections per process, max ÷ processes\n(${nodes.join(' / ')})`,
      "of which rwsplit's health-check / position\nconnections, max ÷ processes",
    ],
    rows: direct.map((c) => [
      c.processes,
      perNode(nodes, per(c, c.serverConnections)),
      perNode(nodes, per(c, c.routingConnections)),
    ]),
  };
}

/** The extrapolation of the direct runs' per-process figures, with the formula, and what PgBouncer changes. */
export function extrapolationLines(run: ConnectionsBenchRun): string[] {
  const direct = run.configurations.filter((c) => c.via === 'direct');
  const lines: string[] = [];
  const shape = EXTRAPOLATION;
  if (direct.length > 0) {
    const basis = direct.reduce((a, b) => (b.processes > a.processes ? b : a));
    const per = perProcessConnections(basis);
    const x = extrapolateConnections(per, shape);
    lines.push(
      `Extrapolated from the direct run with ${basis.processes} process${basis.processes === 1 ? '' : 'es'} (the ` +
        "replica figure is the busier replica's):",
      `  server connections = processes × (primaries × per-process primary + replicas × per-process replica)`,
      `                     = ${shape.processes} × (${shape.primaries} × ${twoDecimals(per.primary)} + ` +
        `${shape.replicas} × ${twoDecimals(per.replica)}) = ${whole(x.total)} ` +
        `(${whole(x.perPrimary)} on the primary, ${whole(x.perReplica)} on each replica)`,
    );
  }
  const bound = connectionBound({ primaryPoolSize: LIBRARY_POOL_SIZE, replicaPoolSize: LIBRARY_POOL_SIZE }, shape);
  lines.push(
    `  at most, by the options: ${shape.processes} × (${shape.primaries} × (primaryPoolSize ${LIBRARY_POOL_SIZE} + ` +
      `${POSITION_POOL_MAX} position) + ${shape.replicas} × (replicaPoolSize ${LIBRARY_POOL_SIZE} + ` +
      `${HEALTH_POOL_MAX} health-check)) = ${whole(bound.total)}`,
  );
  const bounced = run.configurations.filter((c) => c.via === 'pgbouncer' && c.pgbouncerClients !== null);
  if (bounced.length > 0) {
    const basis = bounced.reduce((a, b) => (b.processes > a.processes ? b : a));
    const nodes = basis.nodes;
    const clientsPerProcess = (n: string) => (basis.pgbouncerClients?.[n]?.max ?? 0) / basis.processes;
    const maxServers = Math.max(0, ...bounced.flatMap((c) => c.nodes.map((n) => c.serverConnections[n]?.max ?? 0)));
    const busiestReplica = Math.max(0, ...nodes.slice(1).map(clientsPerProcess));
    const primaryClients = clientsPerProcess(nodes[0]!);
    const pool = run.pgbouncerPoolSize;
    const servers = shape.primaries + shape.replicas;
    lines.push(
      `Through PgBouncer (default_pool_size ${pool}, reserve_pool_size 0): the most server connections a node saw ` +
        `was ${whole(maxServers)} (${bounced.map((c) => c.processes).join(', ')} processes); PgBouncer opens at ` +
        `most ${pool} per node however many processes connect, so at ${shape.processes} × (${shape.primaries} + ` +
        `${shape.replicas}) the servers hold at most ${servers} × ${pool} = ${whole(servers * pool)}.`,
      `  The PgBouncers hold the processes' connections instead, as clients: ${twoDecimals(primaryClients)} per ` +
        `process on the primary's and ${twoDecimals(busiestReplica)} on the busier replica's (with ` +
        `${basis.processes} processes), ${whole(shape.processes * primaryClients)} and ` +
        `${whole(shape.processes * busiestReplica)} at ${shape.processes} processes ` +
        `(max_client_conn ${whole(PGBOUNCER_DEFAULTS.maxClientConn)}).`,
    );
  }
  return lines;
}
