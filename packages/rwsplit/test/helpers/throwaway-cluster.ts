// A private cluster for a suite that stops, freezes or promotes nodes, with the fixture tables: the kit starts the
// servers, the library makes its own tables (fixture-schema.ts), so the cluster's owner needs to know no schema.
import { clusterKit, type ThrowawayCluster, type ThrowawayOptions } from './cluster-kit';
import { ensureFixtureSchema } from './fixture-schema';

/** Creates (afresh) and starts the cluster `name` on `options.ports`, with rwtest_user and rwtest_post. */
export async function throwawayCluster(name: string, options: ThrowawayOptions): Promise<ThrowawayCluster> {
  const cluster = await clusterKit().throwaway(name, options);
  try {
    await ensureFixtureSchema(cluster);
  } catch (err) {
    await cluster.destroy();
    throw err;
  }
  return cluster;
}
