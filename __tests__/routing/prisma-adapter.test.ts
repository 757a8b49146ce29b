// The one file that reaches past Prisma's public types (src/routing/prisma-adapter.ts), tested against real
// Prisma: if a Prisma upgrade moves `__internalParams.transaction` or changes how the read-replicas extension
// dispatches, these fail.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config';
import { createNodeClient } from '../../src/db/node-client';
import { inTransaction } from '../../src/routing/prisma-adapter';
import type { RwsplitEvent } from 'rwsplit';
import { createRwsplitFromConfig } from '../../src/db/app-rwsplit';
import { serverIdentity } from '../helpers/server-port';

const config = loadConfig();

test('inTransaction sees Prisma transactions (interactive and batch) and nothing else', async () => {
  const seen: boolean[] = [];
  const base = createNodeClient(config.primaryUrl);
  const client = base.$extends({
    query: {
      async $allOperations(params) {
        seen.push(inTransaction(params));
        return params.query(params.args);
      },
    },
  });
  try {
    await client.testReplication.count();
    await client.$transaction(async (tx) => tx.testReplication.count());
    await client.$transaction([client.testReplication.count()]);
    expect(seen).toEqual([false, true, true]);
  } finally {
    await base.$disconnect();
  }
});

test('the routing replica: every model read and $-method goes through the router; $replica() is not a thenable', async () => {
  const events: RwsplitEvent[] = [];
  const rw = await createRwsplitFromConfig(config, { onEvent: (e) => events.push(e) });
  try {
    const replica = rw.client.$replica();
    expect((replica as unknown as { then?: unknown }).then).toBeUndefined();
    expect(await Promise.resolve(replica)).toBe(replica);
    await replica.testReplication.findMany({ take: 1 });
    await replica.testReplication.aggregate({ _max: { id: true } });
    await replica.testReplication.groupBy({ by: ['data'], take: 1, orderBy: { data: 'asc' } });
    const id = await serverIdentity(replica);
    expect(id.inRecovery).toBe(true);
    const routed = events
      .filter((e) => e.event === 'query')
      .map((e) => (e.event === 'query' ? [e.role, e.operation] : []));
    expect(routed).toEqual([
      ['replica', 'findMany'],
      ['replica', 'aggregate'],
      ['replica', 'groupBy'],
      ['replica', '$queryRaw'],
    ]);
  } finally {
    await rw.close();
  }
});

test("the README's example runs against the cluster", () => {
  const r = spawnSync(
    path.join(PROJECT_ROOT, 'node_modules', '.bin', 'ts-node'),
    [path.join(PROJECT_ROOT, 'examples', 'quickstart.ts')],
    {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/wrote row \d+, read it back: hello from the quickstart/);
  expect(r.stdout).toMatch(/rwsplit_queries_total\{node="127\.0\.0\.1:\d+",role="primary",operation="create"\} 1/);
});
