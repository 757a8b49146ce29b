// Routing on the real cluster with the fixture schema (User, Post): every route is proved by the servers' own
// answers — a row that a paused replica cannot have, inet_server_port(), pg_is_in_recovery() — never by assuming
// which branch the code took.
import {
  CausalTokenError,
  createRwsplit,
  NoReplicaAvailableError,
  NoSynchronousStandbyError,
  type Rwsplit,
  type RwsplitEvent,
  withRemoteApply,
} from '../../src';
import { PrismaClient } from '../fixture/generated/client';
import { ensureFixtureSchema, uniqueEmail } from '../helpers/fixture-schema';
import { pauseReplay, portOf, resumeReplay, testCluster, waitForReplicas } from '../helpers/test-cluster';

const cluster = testCluster();
const replicaPorts = cluster.replicaUrls.map(portOf);
const primaryPort = portOf(cluster.primaryUrl);
const events: RwsplitEvent[] = [];
let rw: Rwsplit<PrismaClient>;

const IDENTITY = 'SELECT inet_server_port() AS port, pg_is_in_recovery() AS in_recovery';
type Identity = { port: number; in_recovery: boolean }[];

/** The query events emitted since `from`, as [role, operation]. */
const routedSince = (from: number) =>
  events.slice(from).flatMap((e) => (e.event === 'query' ? [[e.role, e.operation, e.node]] : []));

beforeAll(async () => {
  await ensureFixtureSchema(cluster);
  rw = await createRwsplit({
    PrismaClient,
    primaryUrl: cluster.primaryUrl,
    replicaUrls: cluster.replicaUrls,
    onEvent: (e) => events.push(e),
  });
});

afterAll(async () => {
  await resumeReplay(cluster);
  await rw?.close();
});

afterEach(async () => {
  await resumeReplay(cluster);
});

test('a model read with a relation goes to a replica: it cannot see a row written while replay is paused', async () => {
  await pauseReplay(cluster);
  const user = await rw.client.user.create({
    data: { email: uniqueEmail('eventual'), name: 'Ada', posts: { create: [{ title: 'first' }] } },
  });
  const from = events.length;
  const onReplica = await rw.client.user.findUnique({ where: { id: user.id }, include: { posts: true } });
  expect(onReplica).toBeNull();
  const onPrimary = await rw.client.$primary().user.findUnique({ where: { id: user.id }, include: { posts: true } });
  expect(onPrimary?.posts.map((p) => p.title)).toEqual(['first']);
  const [replicaRead] = routedSince(from);
  expect(replicaRead?.[0]).toBe('replica');
  expect(replicaPorts).toContain(Number(String(replicaRead?.[2]).split(':')[1]));

  await resumeReplay(cluster);
  await waitForReplicas(cluster);
  const replayed = await rw.client.user.findUnique({ where: { id: user.id }, include: { posts: true } });
  expect(replayed?.posts).toHaveLength(1);
});

test('read-your-writes: a read after a write in a session sees it although both replicas are paused', async () => {
  await pauseReplay(cluster);
  const { found, token } = await rw.session(async () => {
    const user = await rw.client.user.create({ data: { email: uniqueEmail('ryw'), name: 'Grace' } });
    await rw.client.post.create({ data: { title: 'mine', authorId: user.id } });
    const found = await rw.client.user.findUnique({ where: { id: user.id }, include: { posts: true } });
    return { found, token: await rw.token() };
  });
  expect(found?.posts.map((p) => p.title)).toEqual(['mine']);
  expect(token).toMatch(/^rw2\./);

  // A later request carrying the token sees the write too; a request without it reads a paused replica.
  const email = found!.email;
  const withToken = await rw.session(() => rw.client.user.findUnique({ where: { email } }), { token: token! });
  expect(withToken?.id).toBe(found!.id);
  expect(await rw.client.user.findUnique({ where: { email } })).toBeNull();

  // Once the replicas have replayed it, the same session read is served by a replica.
  await resumeReplay(cluster);
  await waitForReplicas(cluster);
  await rw.checkNow();
  const from = events.length;
  const again = await rw.session(() => rw.client.user.findUnique({ where: { email } }), { token: token! });
  expect(again?.id).toBe(found!.id);
  expect(routedSince(from).map((r) => r[0])).toEqual(['replica']);
});

test("'primary' mode reads on the primary; raw SQL and transactions run on the primary; $replica() on a replica", async () => {
  await pauseReplay(cluster);
  const user = await rw.client.user.create({ data: { email: uniqueEmail('primary'), name: 'Edsger' } });
  const seen = await rw.session(() => rw.client.user.findUnique({ where: { id: user.id } }), { mode: 'primary' });
  expect(seen?.id).toBe(user.id);

  const [raw] = await rw.client.$queryRawUnsafe<Identity>(IDENTITY);
  expect(raw).toEqual({ port: primaryPort, in_recovery: false });
  const [onReplica] = await rw.client.$replica().$queryRawUnsafe<Identity>(IDENTITY);
  expect(onReplica?.in_recovery).toBe(true);
  expect(replicaPorts).toContain(onReplica?.port);

  const [inTx] = await rw.client.$transaction(async (tx) => {
    const count = await tx.user.count({ where: { id: user.id } });
    expect(count).toBe(1); // the read inside the transaction ran on the primary: a paused replica has no such row
    return tx.$queryRawUnsafe<Identity>(IDENTITY);
  });
  expect(inTx).toEqual({ port: primaryPort, in_recovery: false });
  const [batchCount, batchIdentity] = await rw.client.$transaction([
    rw.client.user.count({ where: { id: user.id } }),
    rw.client.$queryRawUnsafe<Identity>(IDENTITY),
  ]);
  expect(batchCount).toBe(1);
  expect(batchIdentity[0]).toEqual({ port: primaryPort, in_recovery: false });
  expect(await rw.client.$executeRawUnsafe('UPDATE rwtest_user SET name = $1 WHERE id = $2', 'E.W.D.', user.id)).toBe(
    1,
  );
});

test('replicas behind the lag limits get no reads: fallback to the primary, or NoReplicaAvailableError', async () => {
  const strictEvents: RwsplitEvent[] = [];
  const strict = await createRwsplit({
    PrismaClient,
    primaryUrl: cluster.primaryUrl,
    replicaUrls: cluster.replicaUrls,
    maxLagMs: 0,
    maxLagBytes: 0,
    fallbackToPrimary: false,
    onEvent: (e) => strictEvents.push(e),
  });
  try {
    await pauseReplay(cluster);
    await strict.client.user.create({ data: { email: uniqueEmail('lag'), name: 'Lag' } });
    await strict.checkNow();
    expect(strict.replicas().map((r) => r.reason)).toEqual(cluster.replicaUrls.map(() => 'lagging'));
    const err = await strict.client.user.count().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoReplicaAvailableError);
    expect((err as NoReplicaAvailableError).code).toBe('RWSPLIT_NO_REPLICA');
    expect((err as Error).message).toMatch(/lagging/);
  } finally {
    await strict.close();
  }

  const lenient = await createRwsplit({
    PrismaClient,
    primaryUrl: cluster.primaryUrl,
    replicaUrls: cluster.replicaUrls,
    maxLagMs: 0,
    maxLagBytes: 0,
    onEvent: (e) => strictEvents.push(e),
  });
  try {
    const from = strictEvents.length;
    const [identity] = await lenient.client.$replica().$queryRawUnsafe<Identity>(IDENTITY);
    expect(identity).toEqual({ port: primaryPort, in_recovery: false });
    expect(strictEvents.slice(from)).toContainEqual({ event: 'primary_fallback_read', reason: 'no_eligible_replica' });
  } finally {
    await lenient.close();
  }
});

test('by default a replica busy with reads in flight gets no new ones while the other is idle', async () => {
  const [slow, fast] = replicaPorts as [number, number];
  // Sleeps 3 s on one replica only. Two started at once go one to each replica (the second sees the first in
  // flight), so one holds the slow replica while the other replica has none once its own has returned.
  const sleeper = () =>
    rw.client.$replica().$queryRaw<{ port: number }[]>`
      SELECT inet_server_port() AS port FROM pg_sleep(CASE WHEN inet_server_port() = ${slow} THEN 3 ELSE 0 END)`;
  const sleepers = [sleeper(), sleeper()];
  // The one on the fast replica returns at once; the other holds the slow replica for 3 s.
  await Promise.race(sleepers);
  const answered: number[] = [];
  for (let i = 0; i < 10; i++) answered.push((await rw.client.$replica().$queryRawUnsafe<Identity>(IDENTITY))[0]!.port);
  const slept = (await Promise.all(sleepers)).map((rows) => rows[0]!.port);
  expect(slept.sort()).toEqual([slow, fast].sort());
  // Every quick read went to the idle replica, although both stayed eligible throughout.
  expect(answered).toEqual(Array(10).fill(fast));
  expect(rw.replicas().every((r) => r.eligible)).toBe(true);
});

test('clientOptions reach every node client: a transaction timeout of 50 ms ends a 300 ms transaction', async () => {
  const timed = await createRwsplit({
    PrismaClient,
    primaryUrl: cluster.primaryUrl,
    replicaUrls: cluster.replicaUrls,
    clientOptions: { transactionOptions: { timeout: 50 }, errorFormat: 'minimal' },
  });
  try {
    const err = await timed.client
      .$transaction(async (tx) => {
        await tx.$executeRawUnsafe('SELECT pg_sleep(0.3)');
        return tx.user.count();
      })
      .catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/Transaction.*(expired|timeout|closed)|timed out/i);
    // Without the option Prisma's default (5 s) lets the same transaction commit.
    await expect(
      rw.client.$transaction(async (tx) => tx.$executeRawUnsafe('SELECT pg_sleep(0.3)')),
    ).resolves.toBeDefined();
  } finally {
    await timed.close();
  }
});

test('typed errors: a malformed causal token, remote_apply without a synchronous standby', async () => {
  const bad = await rw.session(async () => 1, { token: 'not-a-token' }).catch((e: unknown) => e);
  expect(bad).toBeInstanceOf(CausalTokenError);
  expect((bad as CausalTokenError).code).toBe('RWSPLIT_CAUSAL_TOKEN');

  const refused = await withRemoteApply(rw.client, (tx) =>
    tx.user.create({ data: { email: uniqueEmail('remote-apply'), name: 'never' } }),
  ).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(NoSynchronousStandbyError);
  expect((refused as NoSynchronousStandbyError).code).toBe('RWSPLIT_NO_SYNC_STANDBY');
  expect((refused as Error).message).toMatch(/synchronous_standby_names/);
});
