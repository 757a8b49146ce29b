// Read-your-writes across timelines, on a private cluster: standby1 is promoted (timeline 2) while the old primary
// keeps running and standby2 keeps replaying it (timeline 1) far past the promoted server's position. A router
// writing to the promoted server must not count standby2 as caught up for a position of timeline 2 that it does
// not have: its positions mean nothing there. The servers say where the read landed.
import { createRwsplit, type Rwsplit, type RwsplitEvent } from '../../src';
import { PrismaClient } from '../fixture/generated/client';
import type { ThrowawayCluster } from '../helpers/cluster-kit';
import { uniqueEmail } from '../helpers/fixture-schema';
import { freePorts } from '../helpers/free-ports';
import { adminQuery } from '../helpers/test-cluster';
import { throwawayCluster } from '../helpers/throwaway-cluster';
import { waitUntil } from '../helpers/wait-until';

// Below Linux's ephemeral range, apart from the other private clusters' ports.
const CANDIDATE_PORTS = [25460, 25461, 25462, 25463, 25464, 25465, 25466, 25467];
const [PRIMARY, STANDBY1, STANDBY2] = [0, 1, 2];
let env: ThrowawayCluster;
let rw: Rwsplit<PrismaClient> | undefined;

/** The first row of `sql` on node `index`, asked as superuser. */
const one = async <R extends object>(index: number, sql: string, params: unknown[] = []): Promise<R> =>
  (await adminQuery<R>(env, index, sql, params))[0]!;

const TIMELINE = "SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int AS timeline";
const INSERT_LSN = 'SELECT pg_current_wal_insert_lsn()::text AS lsn';
const REPLAYED = 'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done, pg_last_wal_replay_lsn()::text AS lsn';
/** About 8 MB of WAL on the old primary, which only standby2 replays. */
const WAL_ON_OLD_PRIMARY = `INSERT INTO rwtest_user (email, name)
  SELECT 'old-timeline-' || g || '@example.test', repeat('old timeline ', 60) FROM generate_series(1, 10000) g`;

beforeAll(async () => {
  env = await throwawayCluster('timelines', { ports: await freePorts(3, CANDIDATE_PORTS) });
}, 120_000);
afterAll(async () => {
  await rw?.close();
  await env?.destroy();
});

test('a replica on the old timeline, ahead in position, is not read-your-writes eligible for the new one', async () => {
  await env.promote(STANDBY1);
  expect(await one<{ timeline: number }>(STANDBY1, TIMELINE)).toEqual({ timeline: 2 });
  await one(PRIMARY, WAL_ON_OLD_PRIMARY);
  const { lsn: oldEnd } = await one<{ lsn: string }>(PRIMARY, INSERT_LSN);
  await waitUntil(
    async () => (await one<{ done: boolean }>(STANDBY2, REPLAYED, [oldEnd])).done,
    'standby2 to replay the old primary',
  );

  const events: RwsplitEvent[] = [];
  rw = await createRwsplit({
    PrismaClient,
    primaryUrl: env.replicaUrls[0]!, // the promoted standby1
    replicaUrls: [env.replicaUrls[1]!], // standby2, still on timeline 1
    checkIntervalMs: [60_000, 60_000],
    onEvent: (e) => events.push(e),
  });
  // By position alone standby2 looks fine: it is "ahead" of the new primary, so no lag.
  expect(rw.replicas()[0]).toMatchObject({ eligible: true, lagBytes: 0 });
  const { lsn: newPosition } = await one<{ lsn: string }>(STANDBY1, INSERT_LSN);
  expect((await one<{ done: boolean }>(STANDBY2, REPLAYED, [newPosition])).done).toBe(true);

  const routed = rw;
  const found = await routed.session(async () => {
    const user = await routed.client.user.create({
      data: { email: uniqueEmail('timeline-2'), name: 'written on timeline 2' },
    });
    return routed.client.user.findUnique({ where: { id: user.id } });
  });
  // standby2 cannot have this row (it never received timeline 2): the read went to the primary.
  expect(found?.name).toBe('written on timeline 2');
  expect(events).toContainEqual({ event: 'primary_fallback_read', reason: 'no_eligible_replica' });
  const reads = events.flatMap((e) => (e.event === 'query' && e.operation === 'findUnique' ? [e.role] : []));
  expect(reads).toEqual(['primary']);
});
