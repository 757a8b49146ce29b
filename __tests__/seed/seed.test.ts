// The seed's six tests (its Go replication_test.go), with real assertions on the real cluster:
// connection, basic replication, replication lag, read/write separation, data consistency, performance.
import { loadConfig } from '../../src/config';
import { queryOnce } from '../../src/db/pg-client';
import type { DemoContext } from '../../src/demo/demo-context';
import { runConsistencyCheck } from '../../src/demo/consistency-check';
import { formatPerformanceTest } from '../../src/demo/format-demo';
import { runPerformanceTest } from '../../src/demo/performance-test';
import { measureCommitToVisible } from '../../src/replication/commit-to-visible';
import { configuredStandbys } from '../../src/replication/configured-nodes';
import { checkNodes } from '../../src/replication/node-check';
import { ROW_IS_PRESENT, SERVER_IDENTITY } from '../../src/replication/queries';
import { readReplicationStatus } from '../../src/replication/replication-status';
import { askServerIdentity, readServerIdentity } from '../../src/replication/server-identity';
import { readStandbyStatus } from '../../src/replication/standby-status';
import { syncStandbys } from '../../src/replication/sync-standbys';
import { isReadOnlyTransaction } from 'rwsplit';
import { LocalCluster } from '../../src/cluster/local-cluster';
import { createReplicatedClient } from '../../src/db/replicated-client';
import { WriterService } from '../../src/writer/writer-service';

const config = loadConfig();
const [primaryPort, ...standbyPorts] = config.cluster.ports;
const standbys = configuredStandbys(config);
const { client } = createReplicatedClient(config);
const writer = new WriterService(config);
const ctx: DemoContext = { config, client, writer, runId: `seed ${process.pid}-${Date.now().toString(36)}` };

/** A marker unique to one test, so counts include only that test's rows. */
const markerFor = (test: string) => `seed-test ${test} ${ctx.runId}`;

const COUNT_MARKED = "SELECT count(*)::int AS n FROM test_replication WHERE data LIKE $1 || '%'";
const COUNT_LIKE = 'SELECT count(*)::int AS n FROM test_replication WHERE data LIKE $1';
const countMarked = async (url: string, marker: string) =>
  (await queryOnce<{ n: number }>(url, COUNT_MARKED, [marker]))[0]!.n;

afterAll(async () => {
  await Promise.allSettled([client.$disconnect(), writer.close()]);
});

test('1. connection: every node answers, the primary as primary and each standby as standby', async () => {
  const checks = await checkNodes(config);
  expect(checks.map((c) => [c.name, c.role, c.error])).toEqual([
    ['primary', 'primary', null],
    ...standbys.map((s) => [s.name, 'standby', null]),
  ]);
  for (const c of checks) expect(c.version).toMatch(/^\d+\.\d+/);
  const identities = await Promise.all([config.primaryUrl, ...config.replicaUrls].map(readServerIdentity));
  expect(identities.map((i) => [i.port, i.inRecovery])).toEqual([
    [primaryPort, false],
    ...standbyPorts.map((p) => [p, true]),
  ]);
});

test('2. basic replication: the count on each standby grows by exactly the rows written', async () => {
  const marker = markerFor('basic');
  const write = async (n: number) => {
    for (let i = 0; i < n; i++) await writer.write(`${marker} #${i}`);
    await syncStandbys(config);
  };
  await write(3);
  const before = await Promise.all(standbys.map((s) => countMarked(s.url, marker)));
  expect(before).toEqual(standbys.map(() => 3));
  await write(5);
  const after = await Promise.all(standbys.map((s) => countMarked(s.url, marker)));
  expect(after).toEqual(before.map((n) => n + 5));
  expect(await countMarked(config.primaryUrl, marker)).toBe(8);
});

test('3. replication lag: commit-to-visible is measured on each standby, finite, and the row is there', async () => {
  for (const s of standbys) {
    const [sample] = await measureCommitToVisible({
      primary: config.primaryUrl,
      standby: s.url,
      standbyName: s.name,
      data: markerFor('lag'),
    });
    expect(sample!.visible).toBe(true);
    expect(Number.isFinite(sample!.visibleAfterMs)).toBe(true);
    expect(sample!.visibleAfterMs).toBeGreaterThanOrEqual(0);
    const [row] = await queryOnce<{ present: boolean }>(s.url, ROW_IS_PRESENT, [sample!.id]);
    expect(row!.present).toBe(true);
  }
  // PostgreSQL's own view: byte lag is a number for every streaming standby.
  const status = await readReplicationStatus(config.primaryUrl);
  expect(status.map((r) => r.applicationName).sort()).toEqual(standbys.map((s) => s.name));
  for (const r of status) expect(r.replayLagBytes).toEqual(expect.any(Number));
  // The seed computed lag from pg_last_xact_replay_timestamp() on the primary, where it is always NULL.
  expect((await readStandbyStatus(config.primaryUrl)).lastReplayAt).toBeNull();
});

test('4. read/write separation: writes and raw SQL on the primary, model reads on a standby', async () => {
  // Raw SQL through the extended client runs on the primary; $replica() answers from a standby.
  expect(await askServerIdentity(client)).toMatchObject({ port: primaryPort, inRecovery: false });
  for (let i = 0; i < 4; i++) {
    const replica = await askServerIdentity(client.$replica());
    expect(replica.inRecovery).toBe(true);
    expect(standbyPorts).toContain(replica.port);
  }
  // A standby refuses writes, so a write can only land on the primary.
  const refused = await client
    .$replica()
    .testReplication.create({ data: { data: markerFor('refused') } })
    .then(
      () => null,
      (err: unknown) => err,
    );
  expect(isReadOnlyTransaction(refused)).toBe(true);

  // With replay paused on every standby, a new row exists only on the primary: where a read finds it (or not)
  // shows which server answered.
  const cluster = new LocalCluster(config.cluster);
  const admin = standbys.map((s) => cluster.adminTarget(cluster.node(s.name)));
  await Promise.all(admin.map((t) => queryOnce(t, 'SELECT pg_wal_replay_pause()')));
  try {
    const row = await client.testReplication.create({ data: { data: markerFor('separation') } });
    const [onPrimary] = await queryOnce<{ present: boolean }>(config.primaryUrl, ROW_IS_PRESENT, [row.id]);
    expect(onPrimary!.present).toBe(true);
    for (const s of standbys) {
      expect((await queryOnce<{ present: boolean }>(s.url, ROW_IS_PRESENT, [row.id]))[0]!.present).toBe(false);
    }
    for (let i = 0; i < 4; i++) {
      expect(await client.testReplication.findUnique({ where: { id: row.id } })).toBeNull();
      expect(await client.testReplication.count({ where: { id: row.id } })).toBe(0);
    }
    expect(await client.$primary().testReplication.findUnique({ where: { id: row.id } })).toMatchObject({
      id: row.id,
    });
    const rawOnPrimary = await client.$queryRawUnsafe<{ port: number }[]>(
      `${SERVER_IDENTITY}, EXISTS (SELECT 1 FROM test_replication WHERE id = $1) AS present`,
      row.id,
    );
    expect(rawOnPrimary[0]).toMatchObject({ port: primaryPort, present: true });
  } finally {
    await Promise.all(admin.map((t) => queryOnce(t, 'SELECT pg_wal_replay_resume()')));
  }
  await syncStandbys(config);
});

test('5. data consistency: N rows written, N on each standby after syncing to the primary LSN', async () => {
  const n = 25;
  const result = await runConsistencyCheck(ctx, n);
  expect(result.written).toBe(n);
  expect(result.nodes.map((x) => [x.name, x.present, x.missingIds])).toEqual([
    ['primary', n, []],
    ...standbys.map((s) => [s.name, n, []]),
  ]);
  expect(result.consistent).toBe(true);
  // Counted independently of the check, by the text it wrote: exactly N on every node.
  const pattern = `demo consistency row % (${ctx.runId})`;
  for (const url of [config.primaryUrl, ...config.replicaUrls]) {
    const [row] = await queryOnce<{ n: number }>(url, COUNT_LIKE, [pattern]);
    expect(row!.n).toBe(n);
  }
});

test('6. the performance test runs and reports positive numbers', async () => {
  const r = await runPerformanceTest(ctx, { iterations: 20, warmup: 2 });
  for (const s of [r.reads, r.writes]) {
    expect(s.samples).toBe(20);
    for (const v of [s.p50Ms, s.p95Ms, s.meanMs, s.minMs]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
    }
    expect(s.p50Ms).toBeLessThanOrEqual(s.p95Ms);
  }
  expect(r.writeToReadP50).toBeGreaterThan(0);
  const text = formatPerformanceTest(r);
  expect(text).toMatch(/read: findMany 10 newest rows \(standby\) +│ 20 +│ \d+\.\d+/);
  expect(text).toContain('write/read ratio (p50)');
});
