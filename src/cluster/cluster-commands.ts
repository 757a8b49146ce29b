// What `npm run cluster:*` does, kept here so tests reach it.
import Table from 'cli-table3';
import type { Config } from '../config';
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
 * brought up (idempotent); either way pending migrations are applied.
 */
export async function ensureReady(config: Config, log?: (line: string) => void): Promise<MigrateResult> {
  if (config.usesLocalCluster) await new LocalCluster(config.cluster, log).up();
  return migrate(config.primaryUrl, config.schemaEngine);
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
