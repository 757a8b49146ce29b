// Monotonic reads on the shared cluster: standby 2 paused, standby 1 streaming, so a row written now is on the
// primary and standby 1 but not on standby 2. A session that has seen the row must never read it as missing later:
// not when reads alternate between replicas, not when its replica is ejected in the middle, and not in the next
// request carrying its token. Where each read went is the server's own answer (the row, or none).
import { type Rwsplit, type RwsplitOptions, roundRobin } from '../../src';
import type { PrismaClient } from '../fixture/generated/client';
import { FaultProxy } from '../helpers/fault-proxy';
import { ensureFixtureSchema, uniqueEmail } from '../helpers/fixture-schema';
import { QUIET_CHECKS, routedClient } from '../helpers/routed-client';
import { adminQuery, pauseReplay, portOf, resumeReplay, testCluster, waitForReplicas } from '../helpers/test-cluster';
import { waitUntil } from '../helpers/wait-until';

const cluster = testCluster();
const opened: Rwsplit<PrismaClient>[] = [];
let proxy: FaultProxy | undefined;

/** Reads alternate between the replicas; a paused standby stays eligible for the whole test. */
async function open(extra: Partial<RwsplitOptions<typeof PrismaClient>> = {}, replicaUrls = cluster.replicaUrls) {
  const rw = await routedClient(
    { primaryUrl: cluster.primaryUrl, replicaUrls },
    { ...QUIET_CHECKS, strategy: roundRobin(), maxLagMs: 600_000, maxLagBytes: 1024 ** 3, ...extra },
  );
  opened.push(rw);
  return rw;
}

/** A user only the primary and standby 1 have (standby 2 is paused). */
async function rowStandby2Lacks(): Promise<number> {
  const [row] = await adminQuery<{ id: number }>(
    cluster,
    0,
    "INSERT INTO rwtest_user (email, name) VALUES ($1, 'monotonic') RETURNING id",
    [uniqueEmail('monotonic')],
  );
  await waitUntil(
    async () => (await adminQuery(cluster, 1, 'SELECT 1 FROM rwtest_user WHERE id = $1', [row!.id])).length === 1,
    'standby 1 to replay the row',
  );
  return row!.id;
}

/** Six reads of user `id` in one session: for each, whether the row was there. */
const sixReads = (rw: Rwsplit<PrismaClient>, id: number, mode: 'eventual' | 'read-your-writes', token?: string) =>
  rw.session(
    async () => {
      const seen: boolean[] = [];
      for (let i = 0; i < 6; i++) seen.push((await rw.client.user.findUnique({ where: { id } })) !== null);
      return seen;
    },
    { mode, ...(token ? { token } : {}) },
  );

/** Seen, then not seen: the session went back in time. */
const wentBack = (seen: readonly boolean[]) => seen.some((s, i) => s && seen.slice(i + 1).includes(false));

beforeAll(async () => {
  await ensureFixtureSchema(cluster);
  await waitForReplicas(cluster);
});
afterEach(async () => {
  await resumeReplay(cluster);
  await proxy?.close();
  proxy = undefined;
  await Promise.all(opened.splice(0).map((rw) => rw.close()));
});

test.each([['eventual' as const], ['read-your-writes' as const]])(
  'in %s sessions, reads alternating between a streaming and a paused standby never go back in time',
  async (mode) => {
    await pauseReplay(cluster, [1]);
    const id = await rowStandby2Lacks();
    const monotonic = await open();
    const plain = await open({ monotonicReads: false });
    const sessions = { monotonic: [] as boolean[][], plain: [] as boolean[][] };
    for (let i = 0; i < 4; i++) {
      sessions.monotonic.push(await sixReads(monotonic, id, mode));
      sessions.plain.push(await sixReads(plain, id, mode));
    }
    expect(sessions.monotonic.filter(wentBack)).toEqual([]);
    // Without the guarantee the same sessions do go back (round robin alternates standby 1 and standby 2).
    expect(sessions.plain.filter(wentBack).length).toBeGreaterThan(0);
  },
);

test('a session whose replica is ejected in the middle does not go back: the next node has what it saw', async () => {
  await pauseReplay(cluster, [1]);
  const id = await rowStandby2Lacks();
  // Standby 1 behind a proxy that can start refusing; standby 2 direct (paused).
  proxy = await FaultProxy.start(portOf(cluster.replicaUrls[0]!));
  const rw = await open({ strategy: (eligible) => eligible[0]! }, [
    proxy.url(cluster.replicaUrls[0]!),
    cluster.replicaUrls[1]!,
  ]);
  const seen = await rw.session(
    async () => {
      const answers: boolean[] = [];
      for (let i = 0; i < 3; i++) answers.push((await rw.client.user.findUnique({ where: { id } })) !== null);
      await proxy!.refuse();
      for (let i = 0; i < 3; i++) answers.push((await rw.client.user.findUnique({ where: { id } })) !== null);
      return answers;
    },
    { mode: 'eventual' },
  );
  expect(seen).toEqual([true, true, true, true, true, true]);
  expect(rw.replicas()[0]).toMatchObject({ eligible: false });
});

test('a token carries what a session saw into the next one', async () => {
  await pauseReplay(cluster, [1]);
  const id = await rowStandby2Lacks();
  const rw = await open({ strategy: (eligible) => eligible[0]! });
  const { seen, token } = await rw.session(
    async () => ({ seen: (await rw.client.user.findUnique({ where: { id } })) !== null, token: await rw.token() }),
    { mode: 'eventual' },
  );
  expect(seen).toBe(true);
  expect(token).not.toBeNull();
  // The next request's session reads standby 2 first (it is the one left eligible), unless the token says what
  // the previous one saw.
  const onlyPaused = await open({}, [cluster.replicaUrls[1]!]);
  expect(await sixReads(onlyPaused, id, 'eventual', token!)).toEqual([true, true, true, true, true, true]);
  expect(await sixReads(onlyPaused, id, 'eventual')).toEqual([false, false, false, false, false, false]);
});
