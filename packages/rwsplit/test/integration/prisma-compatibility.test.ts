// Whatever works on a plain PrismaClient works on rw.client, and means the same: the application's own extensions
// in any order, the Fluent API, omit, the query log, Prisma's errors, transactions of every kind. Each case runs on
// the real cluster with the fixture schema; where a call ran is proved by the server's answer (a row a paused
// replica cannot have, inet_server_port(), pg_is_in_recovery()).
import { AsyncLocalStorage } from 'node:async_hooks';
import { PrismaPg } from '@prisma/adapter-pg';
import { type RoutedClient, type Rwsplit, type RwsplitEvent } from '../../src';
import { Prisma, PrismaClient } from '../fixture/generated/client';
import { routedClient } from '../helpers/routed-client';
import { waitUntil } from '../helpers/wait-until';
import { ensureFixtureSchema, uniqueEmail } from '../helpers/fixture-schema';
import { pauseReplay, portOf, resumeReplay, testCluster, waitForReplicas } from '../helpers/test-cluster';

const cluster = testCluster();
const replicaPorts = cluster.replicaUrls.map(portOf);
const primaryPort = portOf(cluster.primaryUrl);
const events: RwsplitEvent[] = [];
const statements: string[] = [];
let rw: Rwsplit<PrismaClient>;
let plain: PrismaClient;

const IDENTITY = 'SELECT inet_server_port() AS port, pg_is_in_recovery() AS in_recovery';
type Identity = { port: number; in_recovery: boolean };

/** The nodes the `query` events since `from` name, as [role, operation]. */
const routedSince = (from: number) =>
  events.slice(from).flatMap((e) => (e.event === 'query' ? [[e.role, e.operation] as const] : []));
const ejections = () => events.filter((e) => e.event === 'replica_ejected');

/** A tenant filter, as the Prisma docs teach it: every user read and write of one tenant. */
const tenantFilter = (tenant: string) =>
  Prisma.defineExtension({
    name: 'tenant',
    query: {
      user: {
        findMany({ args, query }) {
          args.where = { ...args.where, tenant };
          return query(args);
        },
        count({ args, query }) {
          args.where = { ...args.where, tenant };
          return query(args);
        },
        create({ args, query }) {
          args.data = { ...args.data, tenant };
          return query(args);
        },
      },
    },
  });

/** A soft-delete filter: deleted posts are never read. */
const softDelete = Prisma.defineExtension({
  name: 'soft-delete',
  query: {
    post: {
      findMany({ args, query }) {
        args.where = { ...args.where, deletedAt: null };
        return query(args);
      },
    },
  },
});

beforeAll(async () => {
  await ensureFixtureSchema(cluster);
  rw = await routedClient(cluster, {
    clientOptions: { log: [{ emit: 'event', level: 'query' }] },
    onEvent: (e) => events.push(e),
  });
  rw.$on('query', (e) => statements.push(e.query));
  plain = new PrismaClient({ adapter: new PrismaPg(cluster.primaryUrl) });
});

afterAll(async () => {
  await resumeReplay(cluster);
  await rw?.close();
  await plain?.$disconnect();
});

afterEach(() => resumeReplay(cluster));

describe('the application’s query extensions', () => {
  const tenant = `t-${process.pid}-${Date.now()}`;
  let mine: number;

  beforeAll(async () => {
    const other = await rw.client.user.create({ data: { email: uniqueEmail('other'), name: 'Other', tenant: 'x' } });
    const user = await rw.client.user.create({ data: { email: uniqueEmail('tenant'), name: 'Mine', tenant } });
    mine = user.id;
    await rw.client.post.createMany({
      data: [
        { title: 'kept', authorId: user.id },
        { title: 'deleted', authorId: user.id, deletedAt: new Date() },
        { title: 'theirs', authorId: other.id },
      ],
    });
    await waitForReplicas(cluster);
  });

  test.each([
    [
      'rwsplit first, then the filters',
      // Prisma's types keep $primary() only where rwsplit's extension comes last; at run time it is there.
      () => {
        const client = rw.client.$extends(tenantFilter(tenant)).$extends(softDelete);
        return client as RoutedClient<typeof client>;
      },
    ],
    [
      'the filters first, then rwsplit (a client built from rw.adapter)',
      () =>
        new PrismaClient({ adapter: rw.adapter, comments: [rw.commenter] })
          .$extends(tenantFilter(tenant))
          .$extends(softDelete)
          .$extends(rw.extension),
    ],
  ])('%s: routed reads, $primary() reads and writes see one tenant and no deleted post', async (_, make) => {
    const scoped = make();
    const onPlain = plain.$extends(tenantFilter(tenant)).$extends(softDelete);
    const from = events.length;
    const users = await scoped.user.findMany({ orderBy: { id: 'asc' } });
    expect(users.map((u) => u.id)).toEqual([mine]);
    expect(users).toEqual(await onPlain.user.findMany({ orderBy: { id: 'asc' } }));
    const posts = await scoped.post.findMany({ where: { authorId: mine } });
    expect(posts.map((p) => p.title)).toEqual(['kept']);
    expect(await scoped.$primary().user.findMany()).toEqual(users);
    expect(await scoped.$primary().user.count()).toBe(1);
    // The routed reads ran on replicas, the $primary() ones on the primary.
    expect(routedSince(from)).toEqual([
      ['replica', 'findMany'],
      ['replica', 'findMany'],
      ['primary', 'findMany'],
      ['primary', 'count'],
    ]);
    // A write through the filtered client carries the tenant; the replica shows it once replayed.
    const created = await scoped.user.create({ data: { email: uniqueEmail('scoped'), name: 'New' } });
    expect(created.tenant).toBe(tenant);
    await waitForReplicas(cluster);
    expect((await scoped.user.findMany()).map((u) => u.id).sort()).toEqual([mine, created.id].sort());
    await rw.client.user.delete({ where: { id: created.id } });
    await waitForReplicas(cluster);
  });

  test('a result extension composed on top computes its field on replica reads', async () => {
    const labelled = rw.client.$extends({
      result: { user: { label: { needs: { name: true, tenant: true }, compute: (u) => `${u.name}@${u.tenant}` } } },
    });
    const [user] = await labelled.$extends(tenantFilter(tenant)).user.findMany();
    expect(user?.label).toBe(`Mine@${tenant}`);
  });

  test('the Fluent API returns what a plain client returns', async () => {
    const posts = await rw.client.user.findUnique({ where: { id: mine } }).posts({ orderBy: { id: 'asc' } });
    expect(Array.isArray(posts)).toBe(true);
    if (!posts) throw new Error('no user');
    expect(posts).toEqual(await plain.user.findUnique({ where: { id: mine } }).posts({ orderBy: { id: 'asc' } }));
    expect(posts.map((p) => p.title)).toEqual(['kept', 'deleted']);
  });

  test('omit, per query and for the whole client', async () => {
    const [user] = await rw.client.user.findMany({ where: { id: mine }, omit: { email: true } });
    expect(user).toEqual({ id: mine, name: 'Mine', tenant });
    const omitting = await routedClient(cluster, { clientOptions: { omit: { user: { email: true } } } });
    try {
      expect(await omitting.client.user.findUnique({ where: { id: mine } })).toEqual({
        id: mine,
        name: 'Mine',
        tenant,
      });
    } finally {
      await omitting.close();
    }
  });
});

test("Prisma's query log covers statements on every node: rw.$on, and $on on a client built with rw.adapter", async () => {
  const marker = `log_${process.pid}_${Date.now()}`;
  const [onReplica] = await rw.client.$replica().$queryRawUnsafe<Identity[]>(`${IDENTITY}, '${marker}' AS m`);
  const [onPrimary] = await rw.client.$queryRawUnsafe<Identity[]>(`${IDENTITY}, '${marker}' AS m`);
  expect(replicaPorts).toContain(onReplica?.port);
  expect(onPrimary?.port).toBe(primaryPort);
  expect(statements.filter((s) => s.includes(marker))).toHaveLength(2);

  const logged: string[] = [];
  const own = new PrismaClient({ adapter: rw.adapter, log: [{ emit: 'event', level: 'query' }] });
  own.$on('query', (e) => logged.push(e.query));
  const client = own.$extends(rw.extension);
  const [own1] = await client.$replica().$queryRawUnsafe<Identity[]>(`${IDENTITY}, '${marker}2' AS m`);
  await client.user.findMany({ take: 1 });
  expect(own1?.in_recovery).toBe(true);
  expect(logged.some((s) => s.includes(`${marker}2`))).toBe(true);
  expect(logged.some((s) => s.includes('rwtest_user'))).toBe(true);
  await own.$disconnect();
});

test("Prisma's own errors arrive unchanged and eject nothing; so does a user's SQL error on a replica", async () => {
  const email = uniqueEmail('dup');
  await rw.client.user.create({ data: { email, name: 'a' } });
  const duplicate = await rw.client.user.create({ data: { email, name: 'b' } }).catch((e: unknown) => e);
  expect(duplicate).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
  expect((duplicate as Prisma.PrismaClientKnownRequestError).code).toBe('P2002');
  const missing = await rw.client.user.findUniqueOrThrow({ where: { id: -1 } }).catch((e: unknown) => e);
  expect(missing).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
  expect((missing as Prisma.PrismaClientKnownRequestError).code).toBe('P2025');
  const divide = await rw.client
    .$replica()
    .$queryRawUnsafe('SELECT 1/0 AS x')
    .catch((e: unknown) => e);
  expect(divide).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
  expect(String((divide as Error).message)).toMatch(/division by zero/);
  expect(ejections()).toEqual([]);
  expect(rw.replicas().every((r) => r.eligible)).toBe(true);
});

test('$replica().$transaction runs on one replica, read-only, interactive and batch', async () => {
  const [first, second, readOnly] = await rw.client.$replica().$transaction(async (tx) => {
    const a = await tx.$queryRawUnsafe<Identity[]>(IDENTITY);
    await tx.user.count();
    const b = await tx.$queryRawUnsafe<Identity[]>(IDENTITY);
    const c = await tx.$queryRawUnsafe<{ transaction_read_only: string }[]>('SHOW transaction_read_only');
    return [a[0]!, b[0]!, c[0]!.transaction_read_only];
  });
  expect(first.in_recovery).toBe(true);
  expect(replicaPorts).toContain(first.port);
  expect(second).toEqual(first);
  expect(readOnly).toBe('on');
  const [x, y] = await rw.client
    .$replica()
    .$transaction([rw.client.$queryRawUnsafe<Identity[]>(IDENTITY), rw.client.$queryRawUnsafe<Identity[]>(IDENTITY)]);
  expect(x[0]!.in_recovery).toBe(true);
  expect(y[0]).toEqual(x[0]);
});

test('interactive transactions keep their isolation level; nested writes, upsert and createManyAndReturn run on the primary', async () => {
  await pauseReplay(cluster);
  const [level, where] = await rw.client.$transaction(
    async (tx) => [
      (await tx.$queryRawUnsafe<{ transaction_isolation: string }[]>('SHOW transaction_isolation'))[0]!
        .transaction_isolation,
      (await tx.$queryRawUnsafe<Identity[]>(IDENTITY))[0]!,
    ],
    { isolationLevel: Prisma.TransactionIsolationLevel.Serializable },
  );
  expect(level).toBe('serializable');
  expect(where).toEqual({ port: primaryPort, in_recovery: false });

  const nested = await rw.client.user.create({
    data: { email: uniqueEmail('nested'), name: 'n', posts: { create: [{ title: 'p1' }, { title: 'p2' }] } },
    include: { posts: true },
  });
  expect(nested.posts).toHaveLength(2);
  const email = uniqueEmail('upsert');
  const inserted = await rw.client.user.upsert({ where: { email }, create: { email, name: 'first' }, update: {} });
  const updated = await rw.client.user.upsert({
    where: { email },
    create: { email, name: 'x' },
    update: { name: 'second' },
  });
  expect(updated).toEqual({ ...inserted, name: 'second' });
  const many = await rw.client.post.createManyAndReturn({
    data: [
      { title: 'm1', authorId: nested.id },
      { title: 'm2', authorId: nested.id },
    ],
  });
  expect(many.map((p) => p.title)).toEqual(['m1', 'm2']);
  // The primary has all of it; the paused replicas have none, so eventual reads there cannot see it.
  expect(await rw.client.$primary().post.count({ where: { authorId: nested.id } })).toBe(4);
  expect(await rw.client.post.count({ where: { authorId: nested.id } })).toBe(0);
});

describe('findUnique calls Prisma compacts into one statement', () => {
  /** Runs `fn` outside any rwsplit session, whatever the caller's context. */
  const outside = AsyncLocalStorage.snapshot();

  // A read-your-writes read that must wait for its node waits before entering Prisma, so it is compacted only with
  // reads released at the same moment. One that needs no wait (a replica is known to have its position) enters at
  // once and may be compacted with an eventual read from elsewhere; the statement then runs in the first caller's
  // context. Replica 0 streams and replica 1 is paused, so a statement routed for the eventual call alone would go
  // to replica 1 every other time, which does not have the session's row.
  test.each([['the session call first'], ['the eventual call first']])(
    'a read-your-writes session still sees its write when %s',
    async (order) => {
      const other = await rw.client.$primary().user.findFirstOrThrow();
      await pauseReplay(cluster, [1]);
      const rounds = await rw.session(async () => {
        const user = await rw.client.user.create({ data: { email: uniqueEmail('compact'), name: 'c' } });
        // Until replica 0 has served the session's read, so it is known to have the session's position.
        await waitUntil(async () => {
          const from = events.length;
          await rw.client.user.findFirst({ where: { id: user.id } });
          return events.slice(from).some((e) => e.event === 'query' && e.node.endsWith(`:${replicaPorts[0]}`));
        }, 'replica 0 to serve the session');
        const seen = [];
        for (let round = 0; round < 4; round++) {
          const before = statements.length;
          // `.then` starts a Prisma call; both start in the same tick, one of them outside the session.
          const start = {
            session: () => rw.client.user.findUnique({ where: { id: user.id } }).then((u) => u),
            eventual: () => outside(() => rw.client.user.findUnique({ where: { id: other.id } }).then((u) => u)),
          };
          const [mine, theirs] =
            order === 'the session call first'
              ? await Promise.all([start.session(), start.eventual()])
              : await Promise.all([start.eventual(), start.session()]).then(([t, m]) => [m, t]);
          // One statement answered both: Prisma compacted them.
          const reads = statements.slice(before).filter((s) => s.includes('rwtest_user') && s.startsWith('SELECT'));
          seen.push({ mine, theirs, statements: reads.length });
        }
        return { seen, id: user.id };
      });
      for (const round of rounds.seen) {
        expect(round).toMatchObject({ mine: { id: rounds.id }, theirs: { id: other.id }, statements: 1 });
      }
    },
  );
});

test('200 concurrent reads all answer, spread over the replicas', async () => {
  await waitForReplicas(cluster);
  const from = events.length;
  const ids = (await rw.client.$primary().user.findMany({ take: 20, orderBy: { id: 'asc' } })).map((u) => u.id);
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) => rw.client.user.findMany({ where: { id: ids[i % ids.length] } })),
  );
  results.forEach((rows, i) => expect(rows.map((r) => r.id)).toEqual([ids[i % ids.length]]));
  const nodes = new Set(
    events.slice(from).flatMap((e) => (e.event === 'query' && e.role === 'replica' ? [e.node] : [])),
  );
  expect(nodes.size).toBe(replicaPorts.length);
});
