// The gap between two primaries, and a standby that cancels a read, on a private cluster (from the cluster kit):
// what the application would otherwise see as errors costs it latency instead. In order, on one cluster:
// 1. a standby with max_standby_streaming_delay = 0 cancels a read when the primary vacuums: the read is retried on
//    the other standby, and the cancelling one stays in rotation;
// 2. the primary dies under a read: the read is answered by the standby promoted after it;
// 3. with no primary at all, writes past maxHeldWrites are refused at once, and one that waits past failoverWaitMs
//    gives up; neither ran;
// 4. writes and a transaction refused for lack of a primary wait, and run once on the member the topology source
//    names since, once it is promoted.
// Where each statement ran is the server's own answer (inet_server_port(), pg_is_in_recovery()).
import {
  createRwsplit,
  NoPrimaryError,
  type Rwsplit,
  type RwsplitEvent,
  type RwsplitOptions,
  type TopologySource,
  WriteQueueFullError,
} from '../../src';
import { createMetrics } from '../../src/metrics';
import { PrismaClient } from '../fixture/generated/client';
import { waitForStatement } from '../helpers/backends';
import { uniqueEmail } from '../helpers/fixture-schema';
import { privateClusterSuite } from '../helpers/private-cluster-suite';
import { PREDICTABLE } from '../helpers/routed-client';
import { serverIdentity } from '../helpers/server-identity';
import { adminQuery } from '../helpers/test-cluster';
import { waitUntil } from '../helpers/wait-until';

// Below Linux's ephemeral range (32768–60999), apart from the other suites' ports.
const CANDIDATE_PORTS = [25470, 25471, 25472, 25473, 25474, 25475, 25476, 25477, 25478, 25479];
const suite = privateClusterSuite('routing-leader-gap', CANDIDATE_PORTS);
const { events, node, usersNamed } = suite;
const metrics = createMetrics();

async function open(extra: Partial<RwsplitOptions<typeof PrismaClient>> = {}): Promise<Rwsplit<PrismaClient>> {
  const onEvent = (e: RwsplitEvent) => {
    events.push(e);
    metrics.listener(e);
  };
  // With a topology source of its own, the source names the nodes; otherwise the cluster's URLs do.
  const nodes = extra.topology ? {} : { primaryUrl: suite.env.primaryUrl, replicaUrls: suite.env.replicaUrls };
  return suite.track(await createRwsplit({ PrismaClient, ...nodes, ...PREDICTABLE, onEvent, ...extra }));
}

const eventsOf = <K extends RwsplitEvent['event']>(kind: K) =>
  events.filter((e): e is Extract<RwsplitEvent, { event: K }> => e.event === kind);

type Answer = { port: number; in_recovery: boolean };
/** A read that sleeps on whichever node serves it, then says which node that was. */
const slowRead = (client: Rwsplit<PrismaClient>['client'], seconds: number) =>
  client.$replica().$queryRaw<Answer[]>`
    SELECT pg_sleep(${seconds})::text AS slept, inet_server_port() AS port, pg_is_in_recovery() AS in_recovery`;

test('a read a standby cancels in a recovery conflict is retried on the other standby, and nothing is ejected', async () => {
  // Standby 1 cancels at once whatever stands in the way of replay; standby 2 waits (the default 30 s). Neither
  // tells the primary what its queries still need (the kit's clusters run with hot_standby_feedback on), so VACUUM
  // on the primary removes what a standby's query may still see.
  await adminQuery(suite.env, 1, 'ALTER SYSTEM SET max_standby_streaming_delay = 0');
  for (const standby of [1, 2]) {
    await adminQuery(suite.env, standby, 'ALTER SYSTEM SET hot_standby_feedback = off');
    await adminQuery(suite.env, standby, 'SELECT pg_reload_conf()');
  }
  await waitUntil(
    async () =>
      (await adminQuery(suite.env, 0, 'SELECT 1 FROM pg_stat_replication WHERE backend_xmin IS NOT NULL')).length ===
        0 && (await adminQuery(suite.env, 0, 'SELECT 1 FROM pg_replication_slots WHERE xmin IS NOT NULL')).length === 0,
    'the primary to hold nothing back for the standbys',
  );
  const rw = await open();
  await adminQuery(
    suite.env,
    0,
    "INSERT INTO rwtest_user (email, name) SELECT 'conflict-' || g || '@x', 'conflict' FROM generate_series(1, 200) g",
  );
  await waitUntil(async () => (await usersNamed(1, 'conflict')).length === 200, 'standby 1 to replay the rows');

  // PREDICTABLE sends the read to the first eligible replica, standby 1. While it holds its snapshot, the primary
  // deletes rows that snapshot sees and vacuums them away: replaying that cleanup conflicts with the read.
  // `.then` starts it (a Prisma call is lazy).
  const read = slowRead(rw.client, 2).then((rows) => rows);
  await waitForStatement(suite.env, 1, '%pg_sleep%', 'the read to run on standby 1');
  await adminQuery(suite.env, 0, "DELETE FROM rwtest_user WHERE name = 'conflict'");
  await adminQuery(suite.env, 0, 'VACUUM rwtest_user');

  const [answer] = await read;
  expect(answer).toMatchObject({ port: suite.ports[2], in_recovery: true });
  expect(eventsOf('recovery_conflict')).toEqual([{ event: 'recovery_conflict', node: node(1) }]);
  expect(eventsOf('read_retried')).toEqual([
    { event: 'read_retried', node: node(1), role: 'replica', reason: 'recovery_conflict' },
  ]);
  expect(eventsOf('replica_ejected')).toEqual([]);
  expect(rw.replicas().map((r) => [r.name, r.eligible])).toEqual([
    [node(1), true],
    [node(2), true],
  ]);
  const counted = await metrics.metrics.recoveryConflicts.get();
  expect(counted.values).toContainEqual({ labels: { node: node(1) }, value: 1 });
}, 60_000);

test("the primary dies under a read: the read waits for the promoted standby and is answered there; an older timeline's token still reads", async () => {
  const rw = await open({ failoverWaitMs: 20_000 });
  // An honest causal token made on node 0's timeline, for a row standby 1 has replayed.
  const honest = await rw.session(async () => {
    const user = await rw.client.user.create({ data: { email: uniqueEmail('gap'), name: 'before the promotion' } });
    return { id: user.id, token: (await rw.token())! };
  });
  await waitUntil(async () => (await usersNamed(1, 'before the promotion')).length === 1, 'standby 1 to replay it');
  // A read that must see the primary: it runs on node 0, which crashes while it sleeps.
  const read = rw.session(() => slowRead(rw.client, 1), { mode: 'primary' });
  await waitForStatement(suite.env, 0, '%pg_sleep%', 'the read to run on the primary');
  await suite.env.kill(0);
  // Some time with no primary at all, then standby 1 is promoted.
  await waitUntil(() => eventsOf('no_primary').length > 0, 'discovery to find no primary');
  await suite.env.promote(1);

  const [answer] = await read;
  expect(answer).toMatchObject({ port: suite.ports[1], in_recovery: false });
  expect(eventsOf('read_retried')).toEqual([
    { event: 'read_retried', node: node(0), role: 'primary', reason: 'primary_unreachable' },
  ]);
  expect(rw.primaryName()).toBe(node(1));
  // The honest token of the old timeline is admitted on the new one: its session reads the row, without waiting
  // for a position of the old timeline that will never come.
  const seen = await rw.session(() => rw.client.user.findUnique({ where: { id: honest.id } }), {
    token: honest.token,
  });
  expect(seen).toMatchObject({ id: honest.id });
}, 60_000);

test('with no primary: past maxHeldWrites a write is refused at once, past failoverWaitMs it gives up; neither ran', async () => {
  // Node 1 (the primary now) crashes; node 2 is still a standby of the node 0 that is gone: no primary at all.
  await suite.env.kill(1);
  const rw = await open({ failoverWaitMs: 1500, maxHeldWrites: 1, connectTimeoutMs: 500 });
  const write = (name: string) =>
    rw.client.user.create({ data: { email: uniqueEmail('gap'), name } }).then(
      () => null,
      (err: unknown) => err,
    );
  const [first, second] = await Promise.all([write('held'), write('held')]);
  const errors = [first, second];
  expect(errors.filter((e) => e instanceof WriteQueueFullError)).toHaveLength(1);
  const gaveUp = errors.find((e) => e instanceof NoPrimaryError);
  expect(String(gaveUp)).toMatch(/waited failoverWaitMs = 1500 ms for a primary; none was found/);
  expect(
    eventsOf('write_held')
      .map((e) => e.outcome)
      .sort(),
  ).toEqual(['gave_up', 'queue_full']);
  expect(eventsOf('write_held').find((e) => e.outcome === 'gave_up')!.waitedMs).toBeGreaterThanOrEqual(1500);
  expect(await usersNamed(2, 'held')).toEqual([]);
}, 60_000);

test('writes and a transaction refused for lack of a primary wait, and run once on a member added and promoted since', async () => {
  // The topology source first names nodes 0 and 1 (both dead now) and is read again only by failover discovery. It
  // names node 2 once writes are waiting: discovery must ask the members the source knows now, not at the start.
  const url = (i: number) => [suite.env.primaryUrl, ...suite.env.replicaUrls][i]!;
  const member = (i: number, role: 'leader' | 'replica') => ({ url: url(i), name: node(i), role, readable: true });
  let members = [member(0, 'leader'), member(1, 'replica')];
  const topology: TopologySource = {
    description: 'the test',
    refreshIntervalMs: 600_000,
    read: async () => ({ leaderUrl: null, members }),
  };
  const rw = await open({ topology, failoverWaitMs: 20_000, connectTimeoutMs: 500 });
  const writes = Promise.all([
    ...Array.from({ length: 5 }, () => rw.client.user.create({ data: { email: uniqueEmail('gap'), name: 'waited' } })),
    rw.client.$transaction(async (tx) => {
      await tx.user.create({ data: { email: uniqueEmail('gap'), name: 'waited in a transaction' } });
      return serverIdentity(tx);
    }),
    serverIdentity(rw.client),
  ]);
  await waitUntil(() => eventsOf('no_primary').length > 0, 'discovery to find no primary');
  members = [...members, member(2, 'replica')];
  await suite.env.promote(2);

  const results = await writes;
  // The transaction and the raw statement answered from node 2, a primary now; every write is there, once.
  expect(results.slice(5)).toEqual([
    { port: suite.ports[2], inRecovery: false },
    { port: suite.ports[2], inRecovery: false },
  ]);
  expect(await usersNamed(2, 'waited')).toHaveLength(5);
  expect(await usersNamed(2, 'waited in a transaction')).toHaveLength(1);
  const held = eventsOf('write_held');
  expect(held.map((e) => e.outcome)).toEqual(held.map(() => 'ran'));
  expect(held.map((e) => e.operation)).toEqual(expect.arrayContaining(['create', '$transaction', '$queryRaw']));
  expect(Math.min(...held.map((e) => e.waitedMs))).toBeGreaterThan(0);
  expect(rw.primaryName()).toBe(node(2));
}, 60_000);
