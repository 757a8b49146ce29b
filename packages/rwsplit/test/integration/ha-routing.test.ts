// rwsplit on the real HA cluster (etcd + three Patroni members, from the cluster kit), with Patroni as its only
// source of nodes: the topology is discovered from GET /cluster, and the router follows a REST switchover, a
// failover (the leader's PostgreSQL killed), a member added and a member stopped, each under a write +
// read-your-writes workload; and, last, a read-your-writes read whose primary was demoted in place. One file, so the
// cluster starts once (or is reused) and is stopped at the end only when this file started it.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { type Rwsplit, type RwsplitEvent, withRemoteApply } from '../../src';
import type { PrismaClient } from '../fixture/generated/client';
import { clusterKit, type HaCluster, type HaMember, type HaSynchronousMode } from '../helpers/cluster-kit';
import { ensureFixtureSchema, uniqueEmail } from '../helpers/fixture-schema';
import { createHaRwsplit } from '../helpers/ha-rwsplit';
import { type LeaderChangeRun, runLeaderChange } from '../helpers/leader-change';
import { waitUntil } from '../helpers/wait-until';
import { problems, startWriteReadWorkload, WORKLOAD_WORKERS } from '../helpers/write-read-workload';

let ha: HaCluster | undefined;
let rw: Rwsplit<PrismaClient> | undefined;
/** Events with their time, but for the per-query and per-check ones, which are too many to keep. */
const events: { at: number; event: RwsplitEvent }[] = [];

/** The cluster and the routed client, once beforeAll has made them. */
function ready(): { ha: HaCluster; rw: Rwsplit<PrismaClient> } {
  if (!ha || !rw) throw new Error('beforeAll did not finish');
  return { ha, rw };
}

beforeAll(async () => {
  ha = await clusterKit().ha({ log: (line) => console.log(line) });
  await ensureFixtureSchema(await ha.nodes());
  rw = await createHaRwsplit(ha, {
    onEvent: (event) => {
      if (event.event !== 'query' && event.event !== 'replica_checked') events.push({ at: performance.now(), event });
    },
  });
}, 100_000);

afterAll(async () => {
  await rw?.close();
  await ha?.release();
}, 60_000);

const address = (m: HaMember) => `${m.host}:${m.port}`;

async function roles() {
  const members = await ready().ha.members();
  const leader = members.find((m) => m.role === 'leader');
  if (!leader) throw new Error(`no leader in ${JSON.stringify(members)}`);
  // A member stopped a moment ago stays in /cluster as `stopped` until its key expires: it is no replica to read from.
  const replicas = members.filter((m) => m.role !== 'leader' && /^(running|streaming)$/.test(m.state));
  return { leader, replicas };
}

type ServerAnswer = { port: number; in_recovery: boolean };

/** Which server answered: the port it listens on and whether it is a standby. */
async function replicaAnswer(): Promise<ServerAnswer> {
  const rows = await ready().rw.client.$replica().$queryRaw<
    ServerAnswer[]
  >`select inet_server_port() as port, pg_is_in_recovery() as in_recovery`;
  return rows[0]!;
}

/** `$queryRaw` on the routed client runs on the primary. */
async function primaryAnswer(): Promise<ServerAnswer> {
  const rows = await ready().rw.client.$queryRaw<
    ServerAnswer[]
  >`select inet_server_port() as port, pg_is_in_recovery() as in_recovery`;
  return rows[0]!;
}

test('the topology comes from Patroni: replicas by host:port, reads on replicas, writes on the leader', async () => {
  const { rw } = ready();
  const { leader, replicas } = await roles();
  const workload = startWriteReadWorkload(rw);
  try {
    expect(replicas).toHaveLength(2);
    expect(
      rw
        .replicas()
        .map((r) => r.name)
        .sort(),
    ).toEqual(replicas.map(address).sort());
    expect(rw.primaryName()).toBe(address(leader));
    await waitUntil(() => rw.replicas().every((r) => r.eligible), 'both replicas eligible', 10_000);

    // Reads spread by reads in flight, ties at random: within 40 of them both replicas serve.
    const seen = new Set<number>();
    for (let i = 0; i < 40 && seen.size < replicas.length; i++) {
      const answer = await replicaAnswer();
      expect(answer.in_recovery).toBe(true);
      seen.add(answer.port);
    }
    expect([...seen].sort()).toEqual(replicas.map((m) => m.port).sort());
    expect(await primaryAnswer()).toEqual({ port: leader.port, in_recovery: false });
  } finally {
    const result = await workload.stop();
    expect(result.acknowledged.length).toBeGreaterThan(0);
    expect(problems(result)).toEqual({ staleReads: [], failedReads: [], failedWrites: [], outcomeUnknown: 0 });
  }
});

/** The expectations a switchover and a failover share. */
async function expectWritesFollowed(run: LeaderChangeRun): Promise<void> {
  const { rw } = ready();
  const { workload } = run;
  const byCode = new Map<string, number>();
  for (const w of workload.writes) {
    if (w.failure) byCode.set(w.failure.code, (byCode.get(w.failure.code) ?? 0) + 1);
  }
  console.log(
    `${run.kind} ${run.from} -> ${run.to}: ${workload.acknowledged.length} writes acknowledged, failed writes by ` +
      `code ${JSON.stringify(Object.fromEntries(byCode))} (outcome unknown ${workload.outcomeUnknown.length}, ` +
      `${run.outcomeUnknownApplied} of them applied), ${workload.failedReads.length} reads failed`,
  );
  // No acknowledged write lost (each one shown with when it was sent and acknowledged relative to the action), and no
  // stale read-your-writes read. A switchover loses nothing. When the leader's server is killed, asynchronous
  // replication may lose a write a backend of the dying leader committed and acknowledged while the kill was under
  // way (its WAL reached no replica): that is what synchronous mode, tested below, prevents. Nothing acknowledged
  // before the kill may be missing.
  const lost = run.lostWrites.map((email) => {
    const w = workload.writes.find((x) => x.email === email);
    return { email, sentMs: (w?.startedAt ?? NaN) - run.actionAt, acknowledgedMs: (w?.endedAt ?? NaN) - run.actionAt };
  });
  expect(run.kind === 'switchover' ? lost : lost.filter((w) => !(w.acknowledgedMs >= 0))).toEqual([]);
  expect(workload.staleReads).toEqual([]);
  // The leader change cost latency, not errors: writes refused for lack of a primary waited for the new one, and
  // reads were retried. Only a write in flight when its connection broke fails (one per worker at most), as
  // WriteOutcomeUnknownError; no read fails.
  expect(workload.failedWrites.map((w) => w.failure)).toEqual([]);
  expect(workload.outcomeUnknown.length).toBeLessThanOrEqual(WORKLOAD_WORKERS);
  expect(workload.failedReads).toEqual([]);
  // Writes resumed on the new leader: rwsplit points there, and a new write runs there.
  const { leader } = await roles();
  expect(leader.name).toBe(run.to);
  expect(rw.primaryName()).toBe(address(leader));
  const user = await rw.client.user.create({ data: { email: uniqueEmail(`after-${run.kind}`), name: run.kind } });
  expect(user.id).toBeGreaterThan(0);
  expect(await primaryAnswer()).toEqual({ port: leader.port, in_recovery: false });
}

test('a REST switchover under the workload: no acknowledged write lost, no stale read, writes follow', async () => {
  const { ha, rw } = ready();
  await expectWritesFollowed(await runLeaderChange('switchover', ha, rw));
  // Every member streams again (the old leader rejoined) before the next test moves anything.
  await ha.waitHealthy();
}, 90_000);

test('the leader killed (failover) under the workload: no acknowledged write lost, no stale read, writes follow', async () => {
  const { ha, rw } = ready();
  await expectWritesFollowed(await runLeaderChange('failover', ha, rw));
  await ha.waitHealthy();
}, 90_000);

let added: { name: string; address: string; port: number } | undefined;

test('a fourth member added while running serves reads without a restart', async () => {
  const { ha, rw } = ready();
  const workload = startWriteReadWorkload(rw);
  try {
    const member = await ha.addMember();
    added = { name: member.name, address: `127.0.0.1:${member.port}`, port: member.port };
    const name = added.address;
    // The next /cluster read (every 500 ms) adds it; its first passing check makes it eligible.
    await waitUntil(
      () => rw.replicas().some((r) => r.name === name && r.eligible),
      `${name} listed by rw.replicas() and eligible`,
      15_000,
    );
    await waitUntil(async () => (await replicaAnswer()).port === member.port, `a read served by ${name}`, 5_000, 0);
  } finally {
    const result = await workload.stop();
    expect(problems(result)).toEqual({ staleReads: [], failedReads: [], failedWrites: [], outcomeUnknown: 0 });
  }
}, 90_000);

test('a member stopped is ejected, and reads go on elsewhere with none failed', async () => {
  const { ha, rw } = ready();
  if (!added) throw new Error('the previous test did not add a member');
  const { name, address: node, port } = added;
  const workload = startWriteReadWorkload(rw);
  // Plain reads outside any session: spread over every eligible replica, the stopping one included.
  let stopping = true;
  const readErrors: string[] = [];
  const reader = (async () => {
    while (stopping) {
      await rw.client.user.findFirst().catch((err: unknown) => readErrors.push(String(err)));
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const since = performance.now();
  try {
    await ha.stopMember(name);
    await waitUntil(() => !rw.replicas().some((r) => r.name === node && r.eligible), `${node} out of rotation`, 10_000);
  } finally {
    stopping = false;
    await reader;
    const result = await workload.stop();
    expect(problems(result)).toEqual({ staleReads: [], failedReads: [], failedWrites: [], outcomeUnknown: 0 });
  }
  expect(readErrors).toEqual([]);
  const ejected = events.flatMap(({ at, event }) =>
    at >= since && event.event === 'replica_ejected' ? [event.node] : [],
  );
  expect(ejected).toContain(node);
  for (let i = 0; i < 6; i++) expect((await replicaAnswer()).port).not.toBe(port);
}, 60_000);

test('a read-your-writes read after the primary was demoted in place finds the new primary and is served', async () => {
  // After a switchover the old leader runs again at the same address, as a standby. Until a write fails or the
  // topology is re-read, rwsplit still asks it for the primary's WAL position; the standby answers with an error
  // ("recovery is in progress", 55000), not a connection error. The read must start failover discovery (as a write
  // refused as read-only does) and be served. A router of its own, with long refresh and check intervals, so that
  // nothing else moves its target first.
  const { ha } = ready();
  const routed = await createHaRwsplit(ha, { refreshIntervalMs: 600_000, checkIntervalMs: [600_000, 600_000] });
  try {
    const email = uniqueEmail('demoted');
    const outcome = await routed.session(async () => {
      const user = await routed.client.user.create({ data: { email, name: 'demoted' } });
      // Waits until the new leader accepts writes and the old one streams from it as a replica.
      const change = await ha.switchover();
      console.log(`switchover ${change.from} -> ${change.to}; rwsplit still writes to ${routed.primaryName()}`);
      return routed.client.user.findUnique({ where: { id: user.id } }).then(
        (found) => ({ email: found?.email ?? null }),
        (err: unknown) => {
          const e = err as Error & { cause?: { code?: string; message?: string } };
          return { error: `${e.name}: ${e.message} (cause ${e.cause?.code}: ${e.cause?.message})` };
        },
      );
    });
    // Before f70be51 this failed with PrimaryUnreachableError "The primary … did not answer for its WAL position".
    expect(outcome).toEqual({ email });
  } finally {
    await routed.close();
  }
}, 90_000);

// Synchronous replication: Patroni's synchronous_mode, switched on for this block through the cluster's dynamic
// configuration (PATCH /config, no restart: a second cluster would cost ~40 s) and put back as it was at the end.
// The leader names one replica its sync standby; with synchronous_commit at its default `on` (Patroni leaves it
// alone), a commit returns once that standby flushed the WAL, and only that standby may be promoted.

describe('synchronous replication (Patroni synchronous_mode)', () => {
  let modeBefore: HaSynchronousMode | undefined;

  beforeAll(async () => {
    const { ha } = ready();
    modeBefore = await ha.synchronousMode();
    // Resolves once /cluster lists a sync_standby that the leader's pg_stat_replication shows in sync.
    await ha.synchronous('on');
  }, 60_000);

  afterAll(async () => {
    // Asynchronous again (or as it was), so that whatever runs next sees the cluster as before.
    if (ha && modeBefore !== undefined) await ha.synchronous(modeBefore);
  }, 60_000);

  async function syncStandby(): Promise<HaMember> {
    const members = await ready().ha.members();
    const standby = members.find((m) => m.role === 'sync_standby');
    if (!standby) throw new Error(`Patroni lists no sync_standby: ${JSON.stringify(members)}`);
    return standby;
  }

  test("withRemoteApply: once the write returns, Patroni's synchronous standby shows it", async () => {
    const { ha, rw } = ready();
    const standby = await syncStandby();
    // Plain pg to the sync standby itself, not through the router under test.
    const direct = new pg.Client({
      connectionString: ha.memberUrl(standby),
      connectionTimeoutMillis: 5000,
      query_timeout: 10_000,
    });
    await direct.connect();
    try {
      const seen: { standby: boolean; visible: boolean }[] = [];
      for (let i = 0; i < 10; i++) {
        const email = uniqueEmail('remote-apply');
        await withRemoteApply(rw.client, (tx) => tx.user.create({ data: { email, name: 'remote-apply' } }));
        const { rows } = await direct.query<{ standby: boolean; visible: boolean }>(
          'SELECT pg_is_in_recovery() AS standby, EXISTS (SELECT 1 FROM rwtest_user WHERE email = $1) AS visible',
          [email],
        );
        seen.push(rows[0]!);
      }
      expect(seen).toEqual(Array.from({ length: 10 }, () => ({ standby: true, visible: true })));
    } finally {
      await direct.end();
    }
  });

  test("the leader's server killed under write load: no acknowledged write missing on the new leader", async () => {
    const { ha, rw } = ready();
    const standby = await syncStandby();
    const run = await runLeaderChange('failover', ha, rw);
    const { workload } = run;
    console.log(
      `synchronous failover ${run.from} -> ${run.to}: ${workload.acknowledged.length} writes acknowledged, ` +
        `${run.lostWrites.length} missing on ${run.to}, ${workload.outcomeUnknown.length} outcome unknown ` +
        `(${run.outcomeUnknownApplied} applied), ${workload.failedWrites.length} other writes failed`,
    );
    // Patroni promotes only the synchronous standby, which had flushed every acknowledged commit.
    expect(run.to).toBe(standby.name);
    expect(workload.acknowledged.length).toBeGreaterThan(0);
    expect(run.lostWrites).toEqual([]);
    expect(workload.staleReads).toEqual([]);
    expect(workload.writes.filter((w) => w.failure?.kind === 'raw').map((w) => w.failure)).toEqual([]);
    // The old leader rejoins before anything else moves the cluster.
    await ha.waitHealthy();
  }, 90_000);
});
