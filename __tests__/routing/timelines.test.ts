// Read-your-writes across timelines, on a private cluster: standby1 is promoted (timeline 2) while the old primary
// keeps running and standby2 keeps replaying it (timeline 1) far past the promoted server's position. A router
// writing to the promoted server must not count standby2 as caught up for a position of timeline 2 that it does
// not have: its positions mean nothing there. The servers say where the read landed.
import type { RwsplitEvent } from 'rwsplit';
import { withPg } from '../../src/db/pg-client';
import { createAppRwsplit, type AppRwsplit } from '../../src/db/app-rwsplit';
import { freePorts } from '../demo/free-ports';
import { throwawayCluster, type Throwaway } from '../helpers/throwaway-cluster';
import { waitUntil } from '../helpers/wait-until';

// Below Linux's ephemeral range, apart from the other private clusters' ports.
const CANDIDATE_PORTS = [25460, 25461, 25462, 25463, 25464, 25465, 25466, 25467];
let env: Throwaway;
let rw: AppRwsplit | undefined;

const admin = (name: string) => env.cluster.adminTarget(env.cluster.node(name), 'rwsplit');
const one = async <R>(name: string, sql: string, params: unknown[] = []): Promise<R> =>
  withPg(admin(name), async (c) => (await c.query(sql, params)).rows[0] as R);

const TIMELINE = "SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int AS timeline";
const INSERT_LSN = 'SELECT pg_current_wal_insert_lsn()::text AS lsn';
const REPLAYED = 'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done, pg_last_wal_replay_lsn()::text AS lsn';
/** About 8 MB of WAL on the old primary, which only standby2 replays. */
const WAL_ON_OLD_PRIMARY =
  "INSERT INTO test_replication (data) SELECT repeat('old timeline ', 60) FROM generate_series(1, 10000)";

beforeAll(async () => {
  env = await throwawayCluster('timelines', await freePorts(3, CANDIDATE_PORTS));
}, 120_000);
afterAll(async () => {
  await rw?.close();
  await env?.destroy();
});

test('a replica on the old timeline, ahead in position, is not read-your-writes eligible for the new one', async () => {
  await one('standby1', 'SELECT pg_promote(true, 30)');
  expect(await one<{ timeline: number }>('standby1', TIMELINE)).toEqual({ timeline: 2 });
  await one('primary', WAL_ON_OLD_PRIMARY);
  const { lsn: oldEnd } = await one<{ lsn: string }>('primary', INSERT_LSN);
  await waitUntil(
    async () => (await one<{ done: boolean }>('standby2', REPLAYED, [oldEnd])).done,
    'standby2 to replay the old primary',
  );

  const events: RwsplitEvent[] = [];
  rw = await createAppRwsplit({
    primaryUrl: env.replicaUrls[0]!, // the promoted standby1
    replicaUrls: [env.replicaUrls[1]!], // standby2, still on timeline 1
    checkIntervalMs: [60_000, 60_000],
    onEvent: (e) => events.push(e),
  });
  // By position alone standby2 looks fine: it is "ahead" of the new primary, so no lag.
  expect(rw.replicas()[0]).toMatchObject({ eligible: true, lagBytes: 0 });
  const { lsn: newPosition } = await one<{ lsn: string }>('standby1', INSERT_LSN);
  expect((await one<{ done: boolean }>('standby2', REPLAYED, [newPosition])).done).toBe(true);

  const found = await rw.session(async () => {
    const row = await rw!.client.testReplication.create({ data: { data: 'written on timeline 2' } });
    return rw!.client.testReplication.findUnique({ where: { id: row.id } });
  });
  // standby2 cannot have this row (it never received timeline 2): the read went to the primary.
  expect(found?.data).toBe('written on timeline 2');
  expect(events).toContainEqual({ event: 'primary_fallback_read', reason: 'no_eligible_replica' });
  const reads = events.flatMap((e) => (e.event === 'query' && e.operation === 'findUnique' ? [e.role] : []));
  expect(reads).toEqual(['primary']);
});
