// A private local cluster for tests that stop, pause or promote nodes, so the shared test cluster stays intact.
import path from 'node:path';
import { CLUSTER_BASE, loadConfig, localNodeUrl, type LocalClusterConfig } from '../../src/config';
import { LocalCluster } from '../../src/cluster/local-cluster';
import { applyMigrations } from '../../src/db/migrator';

export interface Throwaway {
  readonly cluster: LocalCluster;
  readonly config: LocalClusterConfig;
  readonly primaryUrl: string;
  readonly replicaUrls: string[];
  /** Stops the cluster and deletes its data. */
  destroy(): Promise<void>;
}

export interface ThrowawayOptions {
  /**
   * Apply the application's migrations. Default true. The library's tests make their own fixture tables instead
   * (see library-cluster-kit.ts), so a cluster for them skips this.
   */
  readonly migrate?: boolean;
}

/** Creates (afresh) and starts a cluster in `.cluster-<name>` on `ports`, migrated unless told otherwise. */
export async function throwawayCluster(
  name: string,
  ports: number[],
  overrides: Partial<LocalClusterConfig> = {},
  options: ThrowawayOptions = {},
): Promise<Throwaway> {
  const config: LocalClusterConfig = {
    ...loadConfig({}).cluster,
    dir: path.join(CLUSTER_BASE, `.cluster-${name}`),
    ports,
    ...overrides,
  };
  const cluster = new LocalCluster(config);
  await cluster.reset();
  await cluster.up();
  const primaryUrl = localNodeUrl(config, 0);
  if (options.migrate ?? true) await applyMigrations(primaryUrl);
  await cluster.waitForStreaming();
  return {
    cluster,
    config,
    primaryUrl,
    replicaUrls: ports.slice(1).map((_, i) => localNodeUrl(config, i + 1)),
    destroy: () => cluster.reset(),
  };
}
