// The local cluster's PgBouncers (`npm run cluster:up -- --pgbouncer`): one per node, in transaction pooling with
// SCRAM, on loopback ports (default each node's port + 1000: 16432, 16433, 16434), their files in
// `<cluster dir>/pgbouncer`. `cluster:down` and `cluster:reset` stop them, `cluster:status` shows them.
import path from 'node:path';
import Table from 'cli-table3';
import { type LocalClusterConfig, localNodeUrl, maskUrl } from '../config';
import type { LocalCluster } from './local-cluster';
import { PgBouncerFleet, type PgBouncerInstance, type PgBouncerStatus } from './pgbouncer-fleet';
import { PgBouncerConfigError } from './pgbouncer-errors';

type Logger = (line: string) => void;

/** How far above its node's port each PgBouncer listens by default. */
export const PGBOUNCER_PORT_OFFSET = 1000;

/** The folder of the local cluster's PgBouncers. */
export function localPgBouncerDir(cluster: LocalClusterConfig): string {
  return path.join(cluster.dir, 'pgbouncer');
}

/** The default PgBouncer ports: each node's port + 1000 (16432, 16433, 16434 for the default cluster). */
export function defaultPgBouncerPorts(cluster: LocalClusterConfig): number[] {
  return cluster.ports.map((p) => p + PGBOUNCER_PORT_OFFSET);
}

/**
 * Parses `--pgbouncer-ports 16432,16433,16434`: one port per node of the cluster, each from 1024 to 32767.
 * Throws `PgBouncerConfigError` saying what is wrong.
 */
export function parsePgBouncerPorts(text: string, cluster: LocalClusterConfig): number[] {
  const ports = text.split(',').map((p) => p.trim());
  const bad = ports.find((p) => !/^\d+$/.test(p) || Number(p) < 1024 || Number(p) > 32767);
  if (bad !== undefined) {
    throw new PgBouncerConfigError(
      `--pgbouncer-ports: "${bad}" is not a port from 1024 to 32767 (Linux lends 32768-60999 to outgoing ` +
        'connections). Give one port per node, e.g. --pgbouncer-ports 16432,16433,16434.',
    );
  }
  if (ports.length !== cluster.ports.length) {
    throw new PgBouncerConfigError(
      `--pgbouncer-ports lists ${ports.length} port(s), but the local cluster has ${cluster.ports.length} nodes ` +
        `(ports ${cluster.ports.join(', ')}): give one PgBouncer port per node, in the same order.`,
    );
  }
  return ports.map(Number);
}

/**
 * Starts (or reloads) one PgBouncer per node of the local cluster, which must be up. Each fronts its node with the
 * application's login and database. Resolves to the instances, node order.
 */
export async function startLocalPgBouncers(
  cluster: LocalCluster,
  ports: readonly number[] = defaultPgBouncerPorts(cluster.config),
  log?: Logger,
): Promise<readonly PgBouncerInstance[]> {
  const fleet = await PgBouncerFleet.start({
    dir: localPgBouncerDir(cluster.config),
    nodes: cluster.nodes.map((node) => ({ name: node.name, url: localNodeUrl(cluster.config, node.index) })),
    ports,
    ...(log ? { log } : {}),
  });
  return fleet.instances;
}

/** Stops the local cluster's PgBouncers; resolves to the names of those that ran. */
export function stopLocalPgBouncers(cluster: LocalClusterConfig, log?: Logger): Promise<string[]> {
  return PgBouncerFleet.stopAll(localPgBouncerDir(cluster), log);
}

/** The local cluster's PgBouncers as `cluster:status` shows them (empty when none was started). */
export function localPgBouncerStatus(cluster: LocalClusterConfig): Promise<PgBouncerStatus[]> {
  return PgBouncerFleet.status(localPgBouncerDir(cluster));
}

/** The URLs `cluster:up --pgbouncer` prints, password masked (it is the local cluster's, see src/config.ts). */
export function formatPgBouncerUrls(instances: readonly PgBouncerInstance[]): string {
  const width = Math.max(...instances.map((i) => i.name.length));
  return instances
    .map((i) => `  ${i.name.padEnd(width)}  ${maskUrl(i.url)}  (→ ${i.server.host}:${i.server.port})`)
    .join('\n');
}

/** The PgBouncer table `cluster:status` prints. */
export function formatPgBouncerStatus(rows: readonly PgBouncerStatus[]): string {
  const table = new Table({
    head: ['pgbouncer', 'port', '→ node port', 'state', 'pool mode', 'clients active/waiting', 'servers active/idle'],
    style: { head: [], border: [] },
  });
  for (const r of rows) {
    const d = r.database;
    // No pool row yet: no client has connected since PgBouncer started.
    const p = d === null ? null : (r.pool ?? { cl_active: '0', cl_waiting: '0', sv_active: '0', sv_idle: '0' });
    const state =
      r.pid === null
        ? 'stopped'
        : d === null
          ? `running (pid ${r.pid}), not answering`
          : `running (pid ${r.pid})${d.paused === '1' ? ', paused' : ''}`;
    table.push([
      r.name,
      r.port,
      r.serverPort,
      state,
      r.poolMode ?? '-',
      p ? `${p.cl_active}/${p.cl_waiting}` : '-',
      p ? `${p.sv_active}/${p.sv_idle}` : '-',
    ]);
  }
  return table.toString();
}
