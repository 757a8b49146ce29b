// Network faults between the router and real servers, made by a real TCP proxy (FaultProxy): a partition, a reset,
// a refusal. Each test is one defect the router once had; where a read or write landed is asserted by the servers'
// answers and the router's events, never by timing.
import {
  createRwsplit,
  NoPrimaryError,
  ReadTimeoutError,
  RwsplitError,
  type Rwsplit,
  type RwsplitEvent,
  type RwsplitOptions,
  WriteOutcomeUnknownError,
} from '../../src';
import { PrismaClient } from '../fixture/generated/client';
import { FaultProxy } from '../helpers/fault-proxy';
import { ensureFixtureSchema, uniqueEmail } from '../helpers/fixture-schema';
import { adminQuery, portOf, testCluster, waitForReplicas } from '../helpers/test-cluster';

const cluster = testCluster();
const proxies: FaultProxy[] = [];
const opened: Rwsplit<PrismaClient>[] = [];
let events: RwsplitEvent[] = [];

async function proxy(url: string): Promise<FaultProxy> {
  const p = await FaultProxy.start(portOf(url));
  proxies.push(p);
  return p;
}

/** A router whose health checks only run when the test says so (checkNow). */
async function open(options: Partial<RwsplitOptions<typeof PrismaClient>>): Promise<Rwsplit<PrismaClient>> {
  const rw = await createRwsplit({
    PrismaClient,
    primaryUrl: cluster.primaryUrl,
    replicaUrls: cluster.replicaUrls,
    checkIntervalMs: [60_000, 60_000],
    connectTimeoutMs: 1000,
    onEvent: (e) => events.push(e),
    ...options,
  });
  opened.push(rw);
  return rw;
}

const ejections = (node: string) => events.filter((e) => e.event === 'replica_ejected' && e.node === node);
const queries = () => events.flatMap((e) => (e.event === 'query' ? [e] : []));
const INSERT_SLOWLY = "INSERT INTO rwtest_user (email, name) SELECT $1, 'slow' FROM pg_sleep(0.4)";

beforeAll(() => ensureFixtureSchema(cluster));
beforeEach(() => {
  events = [];
});
afterEach(async () => {
  // The network first: a router's pools wait for the queries still hanging in a partition before they close.
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await Promise.all(opened.splice(0).map((rw) => rw.close()));
});

test('a write whose connection broke after it was sent is outcome-unknown, even when no primary can be found', async () => {
  const primary = await proxy(cluster.primaryUrl);
  // Writes refused for lack of a primary wait 300 ms for one, not the default 10 s.
  const rw = await open({ primaryUrl: primary.url(cluster.primaryUrl), failoverWaitMs: 300 });
  const email = uniqueEmail('outcome');
  const write = rw.client.$executeRawUnsafe(INSERT_SLOWLY, email).catch((e: unknown) => e);
  // The statement is on its way; the primary vanishes from the network (its address refuses from now on).
  await new Promise((r) => setTimeout(r, 100));
  await primary.refuse();
  const err = await write;
  expect(err).toBeInstanceOf(WriteOutcomeUnknownError);
  expect((err as WriteOutcomeUnknownError).code).toBe('RWSPLIT_WRITE_OUTCOME_UNKNOWN');
  expect((err as Error).message).toMatch(/may or may not have been applied\. No primary could be found yet/);
  // The server, not the router, says what happened: the statement ran to its end (or not) on the primary.
  const [row] = await adminQuery<{ n: number }>(
    cluster,
    0,
    'SELECT count(*)::int AS n FROM rwtest_user WHERE email = $1',
    [email],
  );
  expect([0, 1]).toContain(row?.n);
  // Once nothing claims to be primary, a write that provably did not run is NoPrimaryError, not outcome-unknown.
  const refused = await rw.client.user.create({ data: { email: uniqueEmail('refused'), name: 'x' } }).catch((e) => e);
  expect(refused).toBeInstanceOf(NoPrimaryError);
  await primary.accept();
  await expect(rw.client.user.create({ data: { email: uniqueEmail('after'), name: 'x' } })).resolves.toBeDefined();
});

test("a read-your-writes read whose position query meets a dying primary's connection is served, not a raw error", async () => {
  const primary = await proxy(cluster.primaryUrl);
  const rw = await open({ primaryUrl: primary.url(cluster.primaryUrl) });
  await waitForReplicas(cluster);
  await rw.checkNow();
  const found = await rw.session(async () => {
    const user = await rw.client.user.create({ data: { email: uniqueEmail('dying'), name: 'x' } });
    // The position query is sent into a partition, then every connection to the primary is reset.
    primary.freeze();
    const read = rw.client.user.findUnique({ where: { id: user.id } });
    await new Promise((r) => setTimeout(r, 100));
    primary.reset();
    primary.thaw();
    return read;
  });
  expect(found).not.toBeNull();
});

test('a read-your-writes read whose primary is gone fails with a typed error, never a raw driver error', async () => {
  const primary = await proxy(cluster.primaryUrl);
  const rw = await open({ primaryUrl: primary.url(cluster.primaryUrl), failoverWaitMs: 300 });
  const err = await rw
    .session(async () => {
      await rw.client.user.create({ data: { email: uniqueEmail('gone'), name: 'x' } });
      await primary.refuse();
      return rw.client.user.count();
    })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RwsplitError);
  expect((err as RwsplitError).code).toBe('RWSPLIT_NO_PRIMARY');
});

test('a read-your-writes read waits out a failover window (no primary for a moment) and is served', async () => {
  const primary = await proxy(cluster.primaryUrl);
  const rw = await open({ primaryUrl: primary.url(cluster.primaryUrl), failoverWaitMs: 10_000 });
  const found = await rw.session(async () => {
    const user = await rw.client.user.create({ data: { email: uniqueEmail('window'), name: 'x' } });
    await primary.refuse();
    // The primary comes back (as a promoted node would) while the read is waiting for one.
    setTimeout(() => void primary.accept(), 400);
    return rw.client.user.findUnique({ where: { id: user.id } });
  });
  expect(found).not.toBeNull();
  expect(events.filter((e) => e.event === 'no_primary').length).toBeGreaterThan(0);
});

test('a frozen replica does not stall read-your-writes reads: the first caught-up replica serves them', async () => {
  const [a, b] = await Promise.all(cluster.replicaUrls.map(proxy));
  const rw = await open({
    replicaUrls: [a!.url(cluster.replicaUrls[0]!), b!.url(cluster.replicaUrls[1]!)],
    checkTimeoutMs: 60_000, // a caught-up query on the frozen replica would wait a minute
  });
  a!.freeze();
  const answeredBefore = a!.bytesToClients;
  for (let i = 0; i < 5; i++) {
    const row = await rw.session(async () => {
      const user = await rw.client.user.create({ data: { email: uniqueEmail('frozen'), name: 'x' } });
      return rw.client.user.findUnique({ where: { id: user.id } });
    });
    expect(row).not.toBeNull();
  }
  // Every read returned while the frozen replica had not answered a single byte.
  expect(a!.bytesToClients).toBe(answeredBefore);
  const reads = queries().filter((q) => q.operation === 'findUnique');
  expect(reads).toHaveLength(5);
  expect(reads.every((q) => q.node !== `127.0.0.1:${a!.port}`)).toBe(true);
});

test('a read already sent to a replica that then hangs is cut at replicaReadTimeoutMs and answered by the primary', async () => {
  const [a, b] = await Promise.all(cluster.replicaUrls.map(proxy));
  const aName = `127.0.0.1:${a!.port}`;
  const rw = await open({
    replicaUrls: [a!.url(cluster.replicaUrls[0]!), b!.url(cluster.replicaUrls[1]!)],
    replicaReadTimeoutMs: 500,
    strategy: (eligible) => eligible[0]!, // the hung replica first, while it is eligible
  });
  const identity = 'SELECT inet_server_port() AS port, pg_is_in_recovery() AS in_recovery';
  // One read opens the pooled connection to the first replica; the next is sent on it, then the network hangs.
  const [warm] = await rw.client.$replica().$queryRawUnsafe<{ port: number }[]>(identity);
  expect(warm?.port).toBe(portOf(cluster.replicaUrls[0]!));
  a!.freeze();
  const rows = await rw.client
    .$replica()
    .$queryRawUnsafe<{ port: number; in_recovery: boolean }[]>(
      'SELECT inet_server_port() AS port, pg_is_in_recovery() AS in_recovery',
    );
  // The hung replica spent the read's whole budget: the primary answers, with no deadline of its own.
  expect(rows[0]).toEqual({ port: portOf(cluster.primaryUrl), in_recovery: false });
  expect(ejections(aName)).toEqual([expect.objectContaining({ reason: 'timeout' })]);
  expect(rw.replicas()[0]).toMatchObject({ eligible: false, reason: 'timeout' });
});

/** Statements running `text` on node `index` (0 is the primary), other than this query itself. */
const running = async (index: number, text: string) =>
  (
    await adminQuery<{ n: number }>(
      cluster,
      index,
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND query LIKE $1",
      [`%${text}%`],
    )
  )[0]!.n;

test('a slow replica read is stopped on the server at the deadline, runs once, ejects nothing; writes have no deadline', async () => {
  const rw = await open({ replicaReadTimeoutMs: 300 });
  const marker = `slow_${process.pid}_${Date.now()}`;
  const err = await rw.client
    .$replica()
    .$queryRawUnsafe(`SELECT pg_sleep(3)::text AS ${marker}`)
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ReadTimeoutError);
  expect((err as ReadTimeoutError).code).toBe('RWSPLIT_READ_TIMEOUT');
  expect((err as Error).message).toMatch(/replicaReadTimeoutMs = 300 ms, and the replica stopped it/);
  // The server stopped it (a cancel request): no replica is still sleeping, seconds before pg_sleep(3) would end.
  for (const i of cluster.replicaUrls.map((_, k) => k + 1)) expect(await running(i, marker)).toBe(0);
  // One attempt, not one per node: the replica stays in rotation, and neither the other replica nor the primary
  // ran it (fallbackToPrimary is on).
  expect(queries().map((q) => [q.role, q.ok])).toEqual([['replica', false]]);
  expect(events.filter((e) => e.event === 'replica_ejected')).toEqual([]);
  expect(await running(0, marker)).toBe(0);
  await expect(rw.client.$executeRawUnsafe(INSERT_SLOWLY, uniqueEmail('slow-write'))).resolves.toBe(1);
});

test('one replica gone and the other partitioned: the read moves on, is cut, and answered by the primary', async () => {
  const [a, b] = await Promise.all(cluster.replicaUrls.map(proxy));
  const rw = await open({
    replicaUrls: [a!.url(cluster.replicaUrls[0]!), b!.url(cluster.replicaUrls[1]!)],
    replicaReadTimeoutMs: 500,
    strategy: (eligible) => eligible[eligible.length - 1]!, // the refused replica first, then the frozen one
  });
  a!.freeze(); // no answer, and a new connection hangs too: cut by the deadline, connect included
  await b!.refuse();
  const [served] = await rw.client
    .$replica()
    .$queryRawUnsafe<{ port: number; in_recovery: boolean }[]>(
      'SELECT inet_server_port() AS port, pg_is_in_recovery() AS in_recovery',
    );
  expect(served).toEqual({ port: portOf(cluster.primaryUrl), in_recovery: false });
  expect(queries().map((q) => [q.role, q.ok])).toEqual([
    ['replica', false],
    ['replica', false],
    ['primary', true],
  ]);
});

test('concurrent reads failing on one replica report its ejection once', async () => {
  const [a, b] = await Promise.all(cluster.replicaUrls.map(proxy));
  const aName = `127.0.0.1:${a!.port}`;
  const rw = await open({ replicaUrls: [a!.url(cluster.replicaUrls[0]!), b!.url(cluster.replicaUrls[1]!)] });
  await a!.refuse();
  const results = await Promise.allSettled(Array.from({ length: 12 }, () => rw.client.user.count()));
  expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
  expect(ejections(aName)).toHaveLength(1);
});
