// The one file that reaches past Prisma's public types (src/prisma/prisma-internals.ts), tested against real
// Prisma: if a Prisma upgrade moves `__internalParams.transaction` or changes how model delegates are reached by
// name, these fail.
import { createRwsplit, createNodeClient, type RwsplitEvent } from '../../src';
import { inTransaction } from '../../src/prisma/prisma-internals';
import { PrismaClient } from '../fixture/generated/client';
import { ensureFixtureSchema } from '../helpers/fixture-schema';
import { testCluster } from '../helpers/test-cluster';

const cluster = testCluster();

beforeAll(() => ensureFixtureSchema(cluster));

test('inTransaction sees Prisma transactions (interactive and batch) and nothing else', async () => {
  const seen: boolean[] = [];
  const base = createNodeClient(PrismaClient, cluster.primaryUrl);
  const client = base.$extends({
    query: {
      async $allOperations(params) {
        seen.push(inTransaction(params));
        return params.query(params.args);
      },
    },
  });
  try {
    await client.user.count();
    await client.$transaction(async (tx) => tx.user.count());
    await client.$transaction([client.post.count()]);
    expect(seen).toEqual([false, true, true]);
  } finally {
    await base.$disconnect();
  }
});

test('every model read and $-method of $replica() goes through the router; $replica() is not a thenable', async () => {
  const events: RwsplitEvent[] = [];
  const rw = await createRwsplit({
    PrismaClient,
    primaryUrl: cluster.primaryUrl,
    replicaUrls: cluster.replicaUrls,
    onEvent: (e) => events.push(e),
  });
  try {
    const replica = rw.client.$replica();
    expect((replica as unknown as { then?: unknown }).then).toBeUndefined();
    expect(await Promise.resolve(replica)).toBe(replica);
    await replica.user.findMany({ take: 1, include: { posts: true } });
    await replica.post.aggregate({ _max: { id: true } });
    await replica.user.groupBy({ by: ['name'], take: 1, orderBy: { name: 'asc' } });
    const rows = await replica.$queryRawUnsafe<{ in_recovery: boolean }[]>('SELECT pg_is_in_recovery() AS in_recovery');
    expect(rows[0]?.in_recovery).toBe(true);
    const routed = events.flatMap((e) => (e.event === 'query' ? [[e.role, e.operation]] : []));
    expect(routed).toEqual([
      ['replica', 'findMany'],
      ['replica', 'aggregate'],
      ['replica', 'groupBy'],
      ['replica', '$queryRawUnsafe'],
    ]);
  } finally {
    await rw.close();
  }
});
