// Session scopes on the shared cluster: read-your-writes with paused standbys, a replica once it has replayed the
// write, waiting for one (readYourWritesWaitMs), the strategy among caught-up replicas, causal tokens, and the
// session modes. Which server answered, and whether it shows the row, is the server's own word.
import { ConfigError, createRwsplit, leastLag, type Rwsplit, type RwsplitEvent } from '../../src';
import { PrismaClient } from '../fixture/generated/client';
import { QUIET_CHECKS, routedClient } from '../helpers/routed-client';
import { ensureFixtureSchema, uniqueEmail } from '../helpers/fixture-schema';
import { serverIdentity } from '../helpers/server-identity';
import { adminQuery, pauseReplay, portOf, resumeReplay, testCluster, waitForReplicas } from '../helpers/test-cluster';
import { waitUntil } from '../helpers/wait-until';

const cluster = testCluster();
const primaryPort = portOf(cluster.primaryUrl);
const replicaPorts = cluster.replicaUrls.map(portOf);
const events: RwsplitEvent[] = [];
let rw: Rwsplit<PrismaClient>;

const newUser = (client: Rwsplit<PrismaClient>['client'], name: string) =>
  client.user.create({ data: { email: uniqueEmail('session'), name } });

/** Which server answered a $replica() read, and whether it shows user `id`: a paused standby cannot. */
async function servedBy(client: Rwsplit<PrismaClient>['client'], id: number) {
  const rows = await client.$replica().$queryRaw<{ port: number; in_recovery: boolean; present: boolean }[]>`
    SELECT inet_server_port() AS port, pg_is_in_recovery() AS in_recovery,
           EXISTS (SELECT 1 FROM rwtest_user WHERE id = ${id}) AS present`;
  return { port: rows[0]!.port, inRecovery: rows[0]!.in_recovery, present: rows[0]!.present };
}

beforeAll(async () => {
  await ensureFixtureSchema(cluster);
  rw = await routedClient(cluster, { ...QUIET_CHECKS, onEvent: (e) => events.push(e) });
});
afterAll(async () => {
  await resumeReplay(cluster);
  await rw?.close();
});
beforeEach(async () => {
  events.length = 0;
  await resumeReplay(cluster);
  await waitForReplicas(cluster);
  await rw.checkNow();
});

test('read-your-writes: inside a session a read after a write sees it, even with both standbys paused', async () => {
  await pauseReplay(cluster);
  await rw.session(async () => {
    const user = await newUser(rw.client, 'ryw');
    const seen = await rw.client.user.findUnique({ where: { id: user.id } });
    expect(seen?.name).toBe('ryw');
    // No standby has replayed it: the read must have gone to the primary.
    expect(events).toContainEqual({ event: 'primary_fallback_read', reason: 'not_caught_up' });
  });
  // The same read in eventual mode goes to a standby, which does not have the row.
  const stale = await rw.session(
    async () => {
      const user = await newUser(rw.client, 'eventual');
      return rw.client.user.findUnique({ where: { id: user.id } });
    },
    { mode: 'eventual' },
  );
  expect(stale).toBeNull();
});

test('read-your-writes uses a replica once it has replayed the write', async () => {
  await rw.session(async () => {
    const user = await newUser(rw.client, 'ryw replica');
    await waitForReplicas(cluster);
    const served = await servedBy(rw.client, user.id);
    expect(served.inRecovery).toBe(true);
    expect(replicaPorts).toContain(served.port);
    expect(served.present).toBe(true);
  });
});

test('a read may wait for a replica to catch up (readYourWritesWaitMs)', async () => {
  const waiting = await createRwsplit({
    PrismaClient,
    primaryUrl: cluster.primaryUrl,
    replicaUrls: cluster.replicaUrls,
    readYourWritesWaitMs: 20_000,
    checkIntervalMs: [60_000, 60_000],
    onEvent: (e) => events.push(e),
  });
  try {
    await pauseReplay(cluster);
    await waiting.session(async () => {
      const user = await newUser(waiting.client, 'wait for me');
      const read = servedBy(waiting.client, user.id);
      setTimeout(() => void resumeReplay(cluster, [1]), 300);
      // Served by the second standby, the only one that replays: it shows the row; the paused one could not.
      expect(await read).toEqual({ port: replicaPorts[1], inRecovery: true, present: true });
    });
  } finally {
    await waiting.close();
  }
});

test('read-your-writes applies the strategy to the replicas that have caught up (leastLag)', async () => {
  const least = await createRwsplit({
    PrismaClient,
    primaryUrl: cluster.primaryUrl,
    replicaUrls: cluster.replicaUrls,
    strategy: leastLag,
    maxLagMs: 60_000,
    maxLagBytes: 1 << 30,
    checkIntervalMs: [60_000, 60_000],
    // The session's position is taken at its read, and may include WAL written after the row (a background
    // record): the read waits for the second standby to replay it rather than falling back to the primary.
    readYourWritesWaitMs: 5000,
  });
  try {
    // The last check showed both idle and equal, so leastLag prefers the first standby, which now stops replaying.
    await pauseReplay(cluster, [0]);
    await least.session(async () => {
      const user = await newUser(least.client, 'least lag ryw');
      await waitUntil(
        async () =>
          (
            await adminQuery<{ present: boolean }>(
              cluster,
              2,
              'SELECT EXISTS (SELECT 1 FROM rwtest_user WHERE id = $1) AS present',
              [user.id],
            )
          )[0]!.present,
        'the second standby to replay the write',
      );
      // The second standby is the only caught-up replica: the strategy is applied to it, not asked again and again.
      expect(await servedBy(least.client, user.id)).toEqual({
        port: replicaPorts[1],
        inRecovery: true,
        present: true,
      });
    });
  } finally {
    await least.close();
  }
});

test('a causal token carries read-your-writes into the next scope; junk tokens are refused', async () => {
  await pauseReplay(cluster);
  const { token, id } = await rw.session(async () => {
    const user = await newUser(rw.client, 'token');
    return { token: await rw.token(), id: user.id };
  });
  expect(token).toMatch(/^rw2\./);
  const seen = await rw.session(() => rw.client.user.findUnique({ where: { id } }), { token: token! });
  expect(seen?.id).toBe(id);
  const blind = await rw.session(() => rw.client.user.findUnique({ where: { id } }));
  expect(blind).toBeNull();
  await expect(rw.session(async () => 1, { token: 'rw1.bm9wZQ' })).rejects.toThrow(/Corrupt rwsplit causal token/);
  await expect(rw.session(async () => 1, { token: "'); DROP TABLE x; --" })).rejects.toThrow(
    /Not an rwsplit causal token/,
  );
});

test('session() refuses an unknown mode instead of ignoring it', async () => {
  const err = await rw.session(async () => 1, { mode: 'strong' as never }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect(String(err)).toMatch(/session option mode must be one of eventual, read-your-writes, primary/);
});

test("mode 'primary' always reads on the primary", async () => {
  const id = await rw.session(() => serverIdentity(rw.client.$replica()), { mode: 'primary' });
  expect(id).toEqual({ port: primaryPort, inRecovery: false });
});

test("defaultReads: 'primary' keeps reads outside a session on the primary unless $replica() or a session opts in", async () => {
  const primaryFirst = await routedClient(cluster, { ...QUIET_CHECKS, defaultReads: 'primary' });
  try {
    await pauseReplay(cluster);
    // Written while both standbys are paused: only the primary has it.
    const user = await newUser(primaryFirst.client, 'primary-first');
    const find = () => primaryFirst.client.user.findUnique({ where: { id: user.id } });
    expect(await find()).toMatchObject({ id: user.id });
    expect(await primaryFirst.client.$replica().user.findUnique({ where: { id: user.id } })).toBeNull();
    expect(await primaryFirst.session(find, { mode: 'eventual' })).toBeNull();
    expect(await servedBy(primaryFirst.client, user.id)).toMatchObject({ inRecovery: true, present: false });
    // The default ('replica') sends the same read to a paused standby.
    expect(await rw.client.user.findUnique({ where: { id: user.id } })).toBeNull();
  } finally {
    await primaryFirst.close();
  }
});
