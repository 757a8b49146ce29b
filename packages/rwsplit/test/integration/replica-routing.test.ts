// Where reads and writes land on the shared cluster, proven by the servers' own answers (inet_server_port(),
// pg_is_in_recovery(), a row a paused replica cannot have); and how a lagging replica leaves and rejoins rotation.
import { createRwsplit, type Rwsplit, type RwsplitEvent } from '../../src';
import { PrismaClient } from '../fixture/generated/client';
import { QUIET_CHECKS, routedClient } from '../helpers/routed-client';
import { ensureFixtureSchema, uniqueEmail } from '../helpers/fixture-schema';
import { serverIdentity } from '../helpers/server-identity';
import {
  adminQuery,
  nodeName,
  pauseReplay,
  portOf,
  resumeReplay,
  testCluster,
  waitForReplicas,
} from '../helpers/test-cluster';
import { waitUntil } from '../helpers/wait-until';

const cluster = testCluster();
const primaryPort = portOf(cluster.primaryUrl);
const replicaPorts = cluster.replicaUrls.map(portOf);
const events: RwsplitEvent[] = [];
let rw: Rwsplit<PrismaClient>;

/** Inserts a user straight on the primary, bypassing rwsplit, and returns its id. */
async function insertOnPrimary(name: string): Promise<number> {
  const rows = await adminQuery<{ id: number }>(
    cluster,
    0,
    'INSERT INTO rwtest_user (email, name) VALUES ($1, $2) RETURNING id',
    [uniqueEmail('on-primary'), name],
  );
  return rows[0]!.id;
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

test('$replica() reads answer from a standby, spread over both', async () => {
  // Ties between idle replicas go at random: within 40 reads both serve (all on one: 2 in 2^40).
  const ports = new Set<number>();
  for (let i = 0; i < 40 && ports.size < replicaPorts.length; i++) {
    const id = await serverIdentity(rw.client.$replica());
    expect(id.inRecovery).toBe(true);
    ports.add(id.port);
  }
  expect([...ports].sort()).toEqual([...replicaPorts].sort());
});

test('writes, raw SQL, $primary() and transactions go to the primary', async () => {
  expect(await serverIdentity(rw.client)).toEqual({ port: primaryPort, inRecovery: false });
  expect(await serverIdentity(rw.client.$primary())).toEqual({ port: primaryPort, inRecovery: false });
  const inTx = await rw.client.$transaction(async (tx) => serverIdentity(tx));
  expect(inTx).toEqual({ port: primaryPort, inRecovery: false });
  const user = await rw.client.user.create({ data: { email: uniqueEmail('routing-write'), name: 'routing write' } });
  const onPrimary = await adminQuery(cluster, 0, 'SELECT id FROM rwtest_user WHERE id = $1', [user.id]);
  expect(onPrimary).toHaveLength(1);
  expect(events).toContainEqual(
    expect.objectContaining({ event: 'query', role: 'primary', operation: 'create', ok: true }),
  );
});

test('model reads are served by a standby: a row the standbys have not replayed is invisible to them', async () => {
  await pauseReplay(cluster);
  const id = await insertOnPrimary('only on the primary for now');
  // Outside a session scope reads are eventual: they go to a standby, which has not replayed the insert.
  expect(await rw.client.user.findUnique({ where: { id } })).toBeNull();
  expect(await rw.client.user.count({ where: { id } })).toBe(0);
  expect(await rw.client.$primary().user.findUnique({ where: { id } })).not.toBeNull();
  // $primary() reads are reported too, as served by the primary.
  const reads = events.filter((e) => e.event === 'query' && e.operation !== '$queryRaw');
  expect(reads.map((e) => (e.event === 'query' ? e.role : null))).toEqual(['replica', 'replica', 'primary']);
});

test('a lagging replica is ejected and re-admitted after it catches up; the byte rule keeps an idle one in', async () => {
  // A router of its own, so its strict thresholds never leak into the other tests.
  const strict = await createRwsplit({
    PrismaClient,
    primaryUrl: cluster.primaryUrl,
    replicaUrls: cluster.replicaUrls,
    onEvent: (e) => events.push(e),
    checkIntervalMs: [60_000, 60_000],
    maxLagMs: 0, // time lag alone never qualifies here, so eligibility rests on the byte rule
    maxLagBytes: 0,
  });
  try {
    // Idle standbys: time since the last replayed commit is > 0 ms, yet nothing is missing, so both are in. (A
    // background WAL record, e.g. autovacuum's after other suites' deletes, can be in flight at one check.)
    await waitUntil(async () => {
      await strict.checkNow();
      return strict.replicas().every((r) => r.eligible);
    }, 'both idle standbys to be eligible');
    expect(strict.replicas().map((r) => r.eligible)).toEqual([true, true]);

    await pauseReplay(cluster, [0]);
    await insertOnPrimary('makes the first standby fall behind');
    await waitUntil(async () => {
      await strict.checkNow();
      const [s1, s2] = strict.replicas();
      return s1!.reason === 'lagging' && s2!.eligible;
    }, 'the first standby to be ejected as lagging while the second stays eligible');
    expect(events).toContainEqual(
      expect.objectContaining({ event: 'replica_ejected', reason: 'lagging', node: nodeName(cluster.replicaUrls[0]!) }),
    );
    for (let i = 0; i < 3; i++) expect((await serverIdentity(strict.client.$replica())).port).toBe(replicaPorts[1]);

    await resumeReplay(cluster, [0]);
    await waitUntil(async () => {
      await strict.checkNow();
      return strict.replicas()[0]!.eligible;
    }, 'the first standby to be re-admitted');
    expect(events).toContainEqual({ event: 'replica_admitted', node: nodeName(cluster.replicaUrls[0]!) });
  } finally {
    await strict.close();
  }
});

test('a query error on a replica is surfaced unchanged and not retried', async () => {
  await expect(rw.client.$replica().$queryRawUnsafe('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);
  const queries = events.filter((e) => e.event === 'query');
  expect(queries).toHaveLength(1);
  expect(events.some((e) => e.event === 'replica_ejected')).toBe(false);
});
