// The cluster kit's PgBouncers for the library's tests: one per node of any cluster given by its URLs (the shared
// local cluster from RWSPLIT_TEST_*, or a throwaway one), through the application's PgBouncerFleet.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { PgBouncerFront, PgBouncerNodes, PgBouncerOptions } from '../../packages/rwsplit/test/helpers/cluster-kit';
import { CLUSTER_BASE } from '../../src/config';
import { PgBouncerFleet } from '../../src/cluster/pgbouncer-fleet';

/**
 * The folder of one front's files, named after its first port (two fronts cannot share a port): under the cluster
 * base, which PgBouncer's account can reach when we are root, and git-ignored (`.cluster-*`).
 */
export function pgbouncerKitDir(ports: readonly number[]): string {
  return path.join(CLUSTER_BASE, `.cluster-pgbouncer-${ports[0] ?? 'none'}`);
}

export async function kitPgbouncer(nodes: PgBouncerNodes, options: PgBouncerOptions): Promise<PgBouncerFront> {
  const dir = pgbouncerKitDir(options.ports);
  // Whatever a crashed earlier run left in this folder is stopped first: its PgBouncers would hold the ports.
  await PgBouncerFleet.stopAll(dir);
  const urls = [nodes.primaryUrl, ...nodes.replicaUrls];
  const fleet = await PgBouncerFleet.start({
    dir,
    nodes: urls.map((url, i) => ({ name: i === 0 ? 'primary' : `replica${i}`, url })),
    ports: options.ports,
    settings: {
      ...(options.poolSize !== undefined ? { defaultPoolSize: options.poolSize } : {}),
      extra: options.settings ?? {},
    },
  }).catch(async (err: unknown) => {
    // The fleet stopped what it started; its files go too (the error quotes the log).
    await fs.rm(dir, { recursive: true, force: true });
    throw err;
  });
  const [primary, ...replicas] = fleet.instances;
  return {
    primaryUrl: primary!.url,
    replicaUrls: replicas.map((r) => r.url),
    ports: fleet.instances.map((i) => i.port),
    pause: (i) => fleet.process(i).pause(),
    resume: (i) => fleet.process(i).resume(),
    show: (i, what) => fleet.process(i).admin(`SHOW ${what}`),
    async stop() {
      await fleet.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
