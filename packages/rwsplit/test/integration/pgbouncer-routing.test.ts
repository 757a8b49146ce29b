// rwsplit behind PgBouncer 1.18 (one per node, transaction pooling, SCRAM, default ignore_startup_parameters), on a
// private primary + standby from the cluster kit. rwsplit sees only PgBouncer's ports; where each statement ran is
// the server's own answer behind PgBouncer (inet_server_port(), pg_is_in_recovery(), a row a paused standby cannot
// have). In order: reads and writes, read-your-writes and causal tokens, transactions, the health checks, the read
// deadline (the server stops the abandoned statement), a refused startup parameter said in words, and last the
// standby behind its PgBouncer promoted while the primary is gone.
import { createRwsplit, ReadTimeoutError, type Rwsplit, type RwsplitEvent, type RwsplitOptions } from '../../src';
import { PrismaClient } from '../fixture/generated/client';
import { waitForStatement } from '../helpers/backends';
import { clusterKit, type PgBouncerFront, type ThrowawayCluster } from '../helpers/cluster-kit';
import { uniqueEmail } from '../helpers/fixture-schema';
import { freePorts } from '../helpers/free-ports';
import { QUIET_CHECKS } from '../helpers/routed-client';
import { adminQuery, pauseReplay, resumeReplay } from '../helpers/test-cluster';
import { throwawayCluster } from '../helpers/throwaway-cluster';
import { waitUntil } from '../helpers/wait-until';

// Below Linux's ephemeral range (32768–60999), apart from the other suites' ports.
const CANDIDATE_PORTS = [25800, 25801, 25802, 25803, 25804, 25805, 25806, 25807, 25808, 25809];
let env: ThrowawayCluster;
let front: PgBouncerFront;
let ports: number[];
const opened: Rwsplit<PrismaClient>[] = [];
const events: RwsplitEvent[] = [];

/** rwsplit over the PgBouncers only. */
async function open(extra: Partial<RwsplitOptions<typeof PrismaClient>> = {}): Promise<Rwsplit<PrismaClient>> {
  const rw = await createRwsplit({
    PrismaClient,
    primaryUrl: front.primaryUrl,
    replicaUrls: front.replicaUrls,
    ...QUIET_CHECKS,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  opened.push(rw);
  return rw;
}

type Answer = { port: number; in_recovery: boolean };
const IDENTITY = 'SELECT inet_server_port() AS port, pg_is_in_recovery() AS in_recovery';
const serverOf = async (client: Pick<Rwsplit<PrismaClient>['client'], '$queryRawUnsafe'>) =>
  (await client.$queryRawUnsafe<Answer[]>(IDENTITY))[0]!;

beforeAll(async () => {
  const [primary, standby, ...bouncers] = await freePorts(4, CANDIDATE_PORTS);
  ports = [primary!, standby!];
  env = await throwawayCluster('routing-pgbouncer', { ports });
  // A dead node's PgBouncer holds a query for query_wait_timeout (120 s by default) before refusing it: 2 s here.
  front = await clusterKit().pgbouncer(env, { ports: bouncers, settings: { query_wait_timeout: 2 } });
}, 120_000);
afterAll(async () => {
  await Promise.all(opened.map((rw) => rw.close()));
  await front?.stop();
  await env?.destroy();
});
beforeEach(() => {
  events.length = 0;
});

test('replica reads and primary writes through PgBouncer, each on the server behind the right one', async () => {
  const rw = await open();
  expect(rw.replicas().map((r) => [r.eligible, r.detail])).toEqual([[true, null]]);
  expect(await serverOf(rw.client.$replica())).toEqual({ port: ports[1], in_recovery: true });
  expect(await serverOf(rw.client)).toEqual({ port: ports[0], in_recovery: false });
  const user = await rw.client.user.create({ data: { email: uniqueEmail('pgb'), name: 'pgbouncer' } });
  await waitUntil(
    async () => (await rw.client.user.findUnique({ where: { id: user.id } })) !== null,
    'the standby to replay the row',
  );
  // The health checks went through PgBouncer too: the standby's replay position and lag are known.
  await rw.checkNow();
  expect(rw.replicas()[0]).toMatchObject({ reachable: true, inRecovery: true, eligible: true });
  expect(rw.replicas()[0]!.replayLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
});

test('read-your-writes and causal tokens through PgBouncer, with the standby paused', async () => {
  const rw = await open();
  await pauseReplay(env);
  try {
    const { id, token } = await rw.session(async () => {
      const user = await rw.client.user.create({ data: { email: uniqueEmail('pgb-ryw'), name: 'ryw' } });
      // The paused standby cannot have it: the session's read went to the primary.
      expect(await rw.client.user.findUnique({ where: { id: user.id } })).toMatchObject({ id: user.id });
      return { id: user.id, token: await rw.token() };
    });
    expect(await rw.client.user.findUnique({ where: { id } })).toBeNull();
    const again = await rw.session(() => rw.client.user.findUnique({ where: { id } }), { token: token! });
    expect(again).toMatchObject({ id });
  } finally {
    await resumeReplay(env);
  }
});

test('interactive and batch transactions through PgBouncer in transaction pooling', async () => {
  const rw = await open();
  const email = uniqueEmail('pgb-tx');
  const inside = await rw.client.$transaction(
    async (tx) => {
      await tx.user.create({ data: { email, name: 'tx' } });
      return { seen: await tx.user.count({ where: { email } }), server: await serverOf(tx) };
    },
    { isolationLevel: 'Serializable' },
  );
  expect(inside).toEqual({ seen: 1, server: { port: ports[0], in_recovery: false } });
  const [count, server] = await rw.client.$transaction([
    rw.client.user.count({ where: { email } }),
    rw.client.$queryRawUnsafe<Answer[]>(IDENTITY),
  ]);
  expect([count, server[0]]).toEqual([1, { port: ports[0], in_recovery: false }]);
  const snapshot = await rw.client.$replica().$transaction((tx) => serverOf(tx));
  expect(snapshot).toEqual({ port: ports[1], in_recovery: true });
});

test('a replica read past its budget is cancelled on the server through PgBouncer, once, not retried', async () => {
  const rw = await open({ replicaReadTimeoutMs: 500 });
  const read = rw.client.$replica().$queryRaw`SELECT pg_sleep(5)::text AS slept`.then(
    () => null,
    (err: unknown) => err,
  );
  await waitForStatement(env, 1, '%pg_sleep%', 'the slow read to run on the standby');
  expect(await read).toBeInstanceOf(ReadTimeoutError);
  // PgBouncer forwarded the cancel request: the server stopped the statement (it was not left running for 5 s).
  await waitUntil(
    async () =>
      (
        await adminQuery(
          env,
          1,
          "SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep(%' AND pid <> pg_backend_pid()",
        )
      ).length === 0,
    'the standby to stop the cancelled statement',
    3000,
  );
  // One attempt only: not retried on the primary, nothing ejected.
  const attempts = events.filter((e) => e.event === 'query' || e.event === 'primary_fallback_read');
  expect(attempts).toEqual([expect.objectContaining({ event: 'query', role: 'replica', ok: false })]);
  expect(rw.replicas()[0]!.eligible).toBe(true);
  // The standby's PgBouncer is still up: 1.18 exits if the canceller hangs up before it has forwarded the request.
  expect(await serverOf(rw.client.$replica())).toEqual({ port: ports[1], in_recovery: true });
});

test('a startup parameter PgBouncer refuses keeps the replica out, and rw.replicas() says why', async () => {
  const refused = new URL(front.replicaUrls[0]!);
  refused.searchParams.set('options', '-c statement_timeout=1000');
  const rw = await open({ replicaUrls: [refused.toString()] });
  const [replica] = rw.replicas();
  expect(replica).toMatchObject({ eligible: false, reason: 'unreachable' });
  expect(replica!.detail).toMatch(/unsupported startup parameter/);
  // Reads go on, on the primary.
  expect(await serverOf(rw.client.$replica())).toEqual({ port: ports[0], in_recovery: false });
});

test('the standby behind its PgBouncer promoted while the primary is gone: writes wait for it and run there', async () => {
  const rw = await open({ failoverWaitMs: 30_000 });
  await env.kill(0);
  const write = rw.client.user.create({ data: { email: uniqueEmail('pgb-failover'), name: 'after' } });
  const pending = write.then((u) => u);
  await waitUntil(() => events.some((e) => e.event === 'no_primary'), 'discovery to find no primary');
  await env.promote(1);
  const user = await pending;
  expect(await serverOf(rw.client)).toEqual({ port: ports[1], in_recovery: false });
  expect(rw.primaryName()).toBe(`127.0.0.1:${front.ports[1]}`);
  const rows = await adminQuery(env, 1, 'SELECT 1 FROM rwtest_user WHERE id = $1', [user.id]);
  expect(rows).toHaveLength(1);
  expect(events).toContainEqual(expect.objectContaining({ event: 'write_held', outcome: 'ran' }));
}, 90_000);
