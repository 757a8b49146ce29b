// The local HA cluster for real: etcd and three Patroni members on PostgreSQL 15, on their own ports beside the
// embedded cluster. Brought up (or reused when running), checked through Patroni's REST API and over TCP as the
// application user, moved once by a REST switchover, switched to synchronous replication and back on the running
// cluster, and stopped at the end when this test run started it.
import { randomUUID } from 'node:crypto';
import { withPg } from '../../src/db/pg-client';
import { runningPid } from '../../src/ha/daemon';
import {
  clusterState,
  expectedMembers,
  type HaCluster,
  REJOIN_TIMEOUT_MS,
  setSynchronousMode,
  startHaCluster,
  switchover,
  synchronousState,
  waitHealthy,
} from '../../src/ha/ha-cluster';
import { appUrl, restUrl } from '../../src/ha/ha-config';
import { patroniPid, postmasterPid } from '../../src/ha/member-process';
import { isReplicaRole } from '../../src/ha/ha-status';
import { type PatroniMember, postReinitialize } from '../../src/ha/patroni-rest';
import { switchoverCandidate } from '../../src/ha/synchronous-mode';
import { waitUntil } from '../helpers/wait-until';

let cluster: HaCluster;

beforeAll(async () => {
  cluster = await startHaCluster({ log: (line) => console.log(line) });
  console.log(`HA cluster ${cluster.reused ? 'reused' : 'started'} in ${cluster.startupMs} ms`);
}, 100_000);

afterAll(async () => {
  // Stopped when this jest run started it, here or in an earlier suite that left it running for the next one
  // (RWSPLIT_TEST_HA_RUNNING_BEFORE, from the global setup); a cluster the developer had running stays up.
  const runningBefore = process.env.RWSPLIT_TEST_HA_RUNNING_BEFORE ?? (cluster?.reused ? '1' : '0');
  if (!cluster || runningBefore === '1') return;
  const started = Date.now();
  await cluster.stop();
  console.log(`HA cluster stopped in ${Date.now() - started} ms`);
  // Nothing of ours is left running: no Patroni, no postmaster, no etcd.
  for (const m of [...cluster.config.members, ...cluster.config.spareMembers]) {
    expect(await patroniPid(m)).toBeNull();
    expect(await postmasterPid(m)).toBeNull();
  }
  expect(await runningPid(cluster.config.etcd.pidFile, cluster.config.etcd.dataDir)).toBeNull();
}, 60_000);

function urlOf(member: PatroniMember): string {
  return appUrl(cluster.config, member.host!, member.port!);
}

/**
 * The three configured members as /cluster lists them. A spare member another suite added and stopped (ha4) stays in
 * the DCS as `stopped` until its key's TTL runs out, after a restart too: it is not one of this cluster's three.
 */
async function roles() {
  const raw = await clusterState(cluster.restUrls);
  const configured = new Set(cluster.config.members.map((m) => m.name));
  const state = { ...raw, members: raw.members.filter((m) => configured.has(m.name)) };
  const leaders = state.members.filter((m) => m.role === 'leader');
  // A cluster left in synchronous mode (it outlives ha:down) lists one replica as `sync_standby`.
  const replicas = state.members.filter((m) => isReplicaRole(m.role));
  return { state, leaders, replicas };
}

test('/cluster lists one running leader and two running replicas, each with host, port and timeline', async () => {
  const { state, leaders, replicas } = await roles();
  expect(state.members).toHaveLength(cluster.restUrls.length);
  expect(leaders).toHaveLength(1);
  expect(replicas).toHaveLength(cluster.restUrls.length - 1);
  expect(replicas.length).toBeGreaterThanOrEqual(2);
  const ports = cluster.config.members.map((m) => m.pgPort);
  for (const m of state.members) {
    expect(m.state).toMatch(/^(running|streaming)$/);
    expect(m.host).toBe('127.0.0.1');
    expect(ports).toContain(m.port);
    expect(m.timeline).toEqual(leaders[0]!.timeline);
  }
});

test('a row written on the leader over TCP as the application user shows up on every replica', async () => {
  const { leaders, replicas } = await roles();
  const note = randomUUID();
  await withPg(urlOf(leaders[0]!), async (c) => {
    await c.query('create table if not exists ha_probe (id bigserial primary key, note text not null)');
    await c.query('insert into ha_probe (note) values ($1)', [note]);
  });
  const started = Date.now();
  for (const replica of replicas) {
    await waitUntil(
      async () =>
        withPg(urlOf(replica), async (c) => {
          const r = await c.query('select 1 from ha_probe where note = $1', [note]);
          return r.rowCount === 1;
        }).catch(() => false),
      `the row on ${replica.name}`,
      15_000,
    );
  }
  console.log(`row visible on ${replicas.length} replicas after ${Date.now() - started} ms`);
});

test('pg_is_in_recovery() on each member matches the role Patroni reports', async () => {
  const { state } = await roles();
  for (const m of state.members) {
    const inRecovery = await withPg(urlOf(m), async (c) => {
      const r = await c.query<{ ro: boolean }>('select pg_is_in_recovery() as ro');
      return r.rows[0]!.ro;
    });
    expect({ member: m.name, inRecovery }).toEqual({ member: m.name, inRecovery: m.role !== 'leader' });
  }
});

test('a REST switchover moves the leader; the old leader rejoins as a streaming replica', async () => {
  const before = (await roles()).leaders[0]!;
  const change = await switchover();
  console.log(
    `switchover ${change.from} -> ${change.to}: writable after ${change.writableMs} ms, ` +
      `all replicas streaming after ${change.rejoinedMs} ms`,
  );
  expect(change.from).toBe(before.name);
  expect(change.to).not.toBe(before.name);
  const { leaders, replicas } = await roles();
  expect(leaders.map((m) => m.name)).toEqual([change.to]);
  const oldLeader = replicas.find((m) => m.name === before.name);
  expect(oldLeader).toBeDefined();
  expect(oldLeader!.timeline).toBeGreaterThan(before.timeline!);
  const readOnly = await withPg(
    urlOf(oldLeader!),
    async (c) => (await c.query('select pg_is_in_recovery() as ro')).rows[0],
  );
  expect(readOnly).toEqual({ ro: true });
  // The old leader really runs again under Patroni.
  expect(await patroniPid(cluster.config.members.find((m) => m.name === before.name)!)).not.toBeNull();
}, 90_000);

test('POST /reinitialize (how waitHealthy heals a replica stranded on an old timeline) clones a replica again', async () => {
  const replica = (await roles()).replicas[0]!;
  const startedAt = () =>
    withPg(urlOf(replica), async (c) => String((await c.query('select pg_postmaster_start_time() as t')).rows[0].t));
  const before = await startedAt();
  const marker = `reinit-${randomUUID()}`;
  await withPg(urlOf((await roles()).leaders[0]!), async (c) => {
    await c.query('create table if not exists reinit_marker (v text)');
    await c.query('insert into reinit_marker values ($1)', [marker]);
  });
  const member = cluster.config.members.find((m) => m.name === replica.name)!;
  await postReinitialize(restUrl(cluster.config, member));
  await waitHealthy(cluster.config, await expectedMembers(cluster.config), REJOIN_TIMEOUT_MS);
  // A new postmaster on a fresh copy, streaming again, with what the leader had.
  expect(await startedAt()).not.toBe(before);
  await waitUntil(
    async () =>
      withPg(
        urlOf(replica),
        async (c) => (await c.query('select 1 from reinit_marker where v = $1', [marker])).rowCount === 1,
      ),
    `the marker row on the reinitialized ${replica.name}`,
    10_000,
  );
}, 90_000);

test("synchronous mode on the running cluster: the leader waits for Patroni's sync standby, the only switchover candidate", async () => {
  const before = await synchronousState();
  try {
    const on = await setSynchronousMode('on');
    expect(on.mode).toBe('on');
    const members = (await clusterState(cluster.restUrls)).members;
    expect(members.filter((m) => m.role === 'sync_standby').map((m) => m.name)).toEqual([on.syncStandby]);
    // The leader waits for that member: a commit returns once it flushed the WAL (synchronous_commit stays `on`).
    const leader = members.find((m) => m.role === 'leader')!;
    const settings = await withPg(urlOf(leader), async (c) => {
      const r = await c.query<{ names: string; commit: string; sync: string[] }>(
        "select current_setting('synchronous_standby_names') as names, current_setting('synchronous_commit') as commit, " +
          "array(select application_name from pg_stat_replication where sync_state = 'sync')::text[] as sync",
      );
      return r.rows[0];
    });
    expect(settings).toEqual({ names: expect.stringContaining(on.syncStandby!), commit: 'on', sync: [on.syncStandby] });
    // ha:switchover and the test kit's switchover() go to the sync standby; Patroni would refuse any other.
    expect(await switchoverCandidate(cluster.config, cluster.restUrls)).toBe(on.syncStandby);
    const other = members.find((m) => m.role === 'replica')!;
    await expect(switchoverCandidate(cluster.config, cluster.restUrls, other.name)).rejects.toThrow(
      `only to its synchronous standby, ${on.syncStandby}, and ${other.name} is not it`,
    );
    expect(await switchoverCandidate(cluster.config, cluster.restUrls, on.syncStandby)).toBe(on.syncStandby);

    expect((await setSynchronousMode('strict')).mode).toBe('strict');
    expect(await setSynchronousMode('off')).toEqual({ mode: 'off', syncStandby: undefined });
    expect((await clusterState(cluster.restUrls)).members.map((m) => m.role)).not.toContain('sync_standby');
    expect(await switchoverCandidate(cluster.config, cluster.restUrls)).toBeUndefined();
  } finally {
    await setSynchronousMode(before.mode);
  }
}, 60_000);
