// The cluster kit's Patroni cluster for the library's tests: the application's HA tooling (etcd and Patroni members
// on PostgreSQL 15, src/ha), reused when it runs already.
import type { HaCluster, HaMember } from '../../packages/rwsplit/test/helpers/cluster-kit';
import {
  addMember,
  clusterState,
  discardMemberData,
  expectedMembers,
  killLeader,
  REJOIN_TIMEOUT_MS,
  setSynchronousMode,
  startHaCluster,
  stopMember,
  switchover,
  synchronousState,
  waitHealthy,
} from '../../src/ha/ha-cluster';
import { appUrl, type HaConfig, superuserUrl } from '../../src/ha/ha-config';
import { patroniPid } from '../../src/ha/member-process';

/** The superuser on the application's database (superuserUrl names `postgres`): the fixture tables live there. */
function superuserOnAppDatabase(cfg: HaConfig, member: HaMember): string {
  const url = new URL(superuserUrl(cfg, member.host, member.port));
  url.pathname = `/${cfg.database}`;
  return url.toString();
}

export async function kitHa(options: { readonly log?: (line: string) => void } = {}): Promise<HaCluster> {
  const log = options.log ?? (() => undefined);
  const cluster = await startHaCluster({ log });
  const { config } = cluster;

  /** /cluster's members that have an address (a member being created may have none yet). */
  const members = async (): Promise<HaMember[]> =>
    (await clusterState(cluster.restUrls)).members.flatMap((m) =>
      m.host && m.port ? [{ name: m.name, role: m.role, state: m.state, host: m.host, port: m.port }] : [],
    );

  return {
    restUrls: cluster.restUrls,
    databaseUrl: cluster.databaseUrl,
    memberUrl: (member) => appUrl(config, member.host, member.port),
    members,
    async nodes() {
      const all = await members();
      const leader = all.find((m) => m.role === 'leader' && m.state === 'running');
      if (!leader) throw new Error(`The HA cluster has no running leader: ${JSON.stringify(all)}`);
      const replicas = all.filter((m) => m.role !== 'leader' && /^(running|streaming)$/.test(m.state));
      return {
        primaryUrl: appUrl(config, leader.host, leader.port),
        replicaUrls: replicas.map((m) => appUrl(config, m.host, m.port)),
        adminUrls: [leader, ...replicas].map((m) => superuserOnAppDatabase(config, m)),
      };
    },
    // In synchronous mode the switchover goes to the sync standby (src/ha picks it).
    switchover: async (o = {}) => {
      const { from, to } = await switchover({ waitRejoin: o.rejoin ?? true, log });
      return { from, to };
    },
    killLeader: async (o = {}) => {
      const { from, to } = await killLeader({ waitRejoin: o.rejoin ?? true, log });
      return { from, to };
    },
    waitHealthy: async () => {
      await waitHealthy(config, await expectedMembers(config), REJOIN_TIMEOUT_MS, { log });
    },
    async addMember() {
      // A new member is a fresh clone: a copy left by an earlier run would first replay every timeline since.
      for (const spare of config.spareMembers) {
        if ((await patroniPid(spare)) === null) {
          await discardMemberData(spare.name);
          break;
        }
      }
      const member = await addMember({ log });
      return { name: member.name, port: member.pgPort };
    },
    stopMember: (name) => stopMember(name, { log }),
    async synchronous(mode) {
      const state = await setSynchronousMode(mode, { log });
      log(`synchronous mode ${state.mode}${state.syncStandby ? `, sync standby ${state.syncStandby}` : ''}`);
    },
    synchronousMode: async () => (await synchronousState()).mode,
    async release() {
      // Under `npm test` the next suite reuses it and the run's teardown stops it (RWSPLIT_TEST_HA_RUNNING_BEFORE).
      if (!cluster.reused && process.env.RWSPLIT_TEST_HA_RUNNING_BEFORE === undefined) await cluster.stop();
    },
  };
}
