// The cluster kit's private clusters for the library's tests: the application's throwaway LocalCluster, without the
// application's migrations (the library makes its own fixture tables), driven by node index.
import type { ThrowawayCluster, ThrowawayOptions } from '../../packages/rwsplit/test/helpers/cluster-kit';
import { postmasterPid } from '../../src/cluster/postmaster-pid';
import { queryOnce } from '../../src/db/pg-client';
import { localAdminUrl } from './local-admin-url';
import { throwawayCluster } from './throwaway-cluster';

/** The backends serving clients' connections (not the walreceiver, checkpointer or this query's own). */
const CLIENT_BACKENDS =
  "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()";

/** Signals each of `pids`; one that has just exited is no error. */
function signal(pids: readonly number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // ESRCH: gone already.
    }
  }
}

export async function kitThrowaway(name: string, options: ThrowawayOptions): Promise<ThrowawayCluster> {
  const env = await throwawayCluster(
    name,
    [...options.ports],
    { syncStandbys: options.syncStandbys ?? 0 },
    { migrate: false },
  );
  const { cluster } = env;
  const nodeAt = (i: number) => {
    const node = cluster.nodes[i];
    if (!node) throw new Error(`The throwaway cluster ${name} has no node ${i} (it has ${cluster.nodes.length}).`);
    return node;
  };
  /** What freeze() stopped, by node, so that thaw() and destroy() continue exactly those. */
  const frozen = new Map<number, number[]>();
  const thaw = (i: number) => {
    signal(frozen.get(i) ?? [], 'SIGCONT');
    frozen.delete(i);
  };

  return {
    primaryUrl: env.primaryUrl,
    replicaUrls: env.replicaUrls,
    adminUrls: options.ports.map((_, i) => localAdminUrl(env.config, i)),
    ports: [...options.ports],
    stop: (i) => cluster.stop(nodeAt(i).name),
    kill: (i) => cluster.stop(nodeAt(i).name, 'immediate'),
    start: (i) => cluster.start(nodeAt(i).name),
    async freeze(i) {
      const node = nodeAt(i);
      const backends = await queryOnce<{ pid: number }>(cluster.adminTarget(node), CLIENT_BACKENDS);
      const postmaster = await postmasterPid(node.dataDir);
      if (postmaster === null) throw new Error(`${node.name} has no postmaster to freeze (${node.dataDir}).`);
      // The postmaster first: it forks no new backend while the others are stopped.
      const pids = [postmaster, ...backends.map((b) => b.pid)];
      frozen.set(i, [...(frozen.get(i) ?? []), ...pids]);
      signal(pids, 'SIGSTOP');
      return pids;
    },
    thaw: async (i) => thaw(i),
    async promote(i) {
      const node = nodeAt(i);
      const [row] = await queryOnce<{ done: boolean }>(
        cluster.adminTarget(node),
        'SELECT pg_promote(true, 60) AS done',
      );
      if (!row?.done) throw new Error(`${node.name} was not promoted within 60 s.`);
    },
    failover: async (i) => {
      await cluster.failover(nodeAt(i).name);
    },
    waitForStreaming: () => cluster.waitForStreaming(),
    async destroy() {
      // A stopped postmaster would not shut down: continue whatever a failed test left frozen.
      for (const i of [...frozen.keys()]) thaw(i);
      await env.destroy();
    },
  };
}
