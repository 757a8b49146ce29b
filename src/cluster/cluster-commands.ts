// What `npm run cluster:*` does, kept here so tests reach it.
import Table from 'cli-table3';
import { type Config, localNodeUrl } from '../config';
import { migrate, type MigrateResult } from '../db/migrator';
import { LocalCluster, type NodeStatus } from './local-cluster';

/** The local cluster for this config, or a clear error when the config points at other servers. */
export function localClusterFor(config: Config, log?: (line: string) => void): LocalCluster {
  if (!config.usesLocalCluster) {
    throw new Error(
      'DATABASE_URL is set, so this project is pointed at servers it does not manage. ' +
        'Unset DATABASE_URL (and REPLICA_URLS) to use the local cluster.',
    );
  }
  return new LocalCluster(config.cluster, log);
}

/**
 * Makes sure the configured servers are ready for the demo and tests: with no DATABASE_URL the local cluster is
 * brought up (idempotent); either way pending migrations are applied. After `cluster:failover` the local
 * cluster's primary is the promoted node, so that is the one migrated.
 */
export async function ensureReady(config: Config, log?: (line: string) => void): Promise<MigrateResult> {
  if (!config.usesLocalCluster) return migrate(config.primaryUrl, config.schemaEngine);
  const cluster = new LocalCluster(config.cluster, log);
  await cluster.up();
  const primary = cluster.node(await cluster.primaryName());
  return migrate(localNodeUrl(config.cluster, primary.index), config.schemaEngine);
}

/**
 * A warning for a local cluster left failed over (its primary is no longer the first node, which the default
 * DATABASE_URL points at), or null when it is in its original shape.
 */
export async function failedOverNotice(cluster: LocalCluster): Promise<string | null> {
  const primary = cluster.node(await cluster.primaryName());
  if (primary.index === 0) return null;
  const first = cluster.nodes[0]!;
  return (
    `The cluster is failed over: ${primary.name} (port ${primary.port}) is primary and ${first.name} ` +
    `(port ${first.port}) is retired. The default DATABASE_URL still points at port ${first.port}; the routed ` +
    'client follows the promotion, but other tools do not. To get back: npm run cluster:reset && npm run cluster:up'
  );
}

/** The status table printed by `npm run cluster:status`. */
export function formatStatus(rows: readonly NodeStatus[]): string {
  const table = new Table({
    head: ['node', 'port', 'role', 'state', 'lag bytes', 'lag (s)'],
    style: { head: [], border: [] },
  });
  for (const r of rows) {
    table.push([r.name, r.port, r.role, r.state, r.lagBytes ?? '-', r.lagSeconds ?? '-']);
  }
  return table.toString();
}
