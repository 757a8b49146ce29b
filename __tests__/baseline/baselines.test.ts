// pgbench and raw pg baselines on the real cluster: the standby run really hits the standby (its own
// xact_commit grows by at least the transactions reported), the insert really inserts on the primary.
import { loadConfig } from '../../src/config';
import { queryOnce } from '../../src/db/pg-client';
import { runPgbench } from '../../src/baseline/run-pgbench';
import { runRawPg } from '../../src/baseline/run-raw-pg';
import { findPgbench } from '../../src/baseline/find-pgbench';

const config = loadConfig();
const standbyUrl = config.replicaUrls[0]!;
const FIND_MANY_SQL = 'SELECT id, data, created_at FROM test_replication ORDER BY created_at DESC LIMIT 10';
const MARKER = 'baseline-test-insert';

const xactCommit = async (url: string) =>
  Number(
    (
      await queryOnce<{ n: string }>(
        url,
        'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()',
      )
    )[0]!.n,
  );
/**
 * xact_commit once it has reached `atLeast`, or its value after 5 s. Backends publish their counters when they
 * exit or go idle, a moment after the client has finished, so the test waits for them instead of racing them.
 */
async function xactCommitReaching(url: string, atLeast: number): Promise<number> {
  const deadline = Date.now() + 5000;
  let value = await xactCommit(url);
  while (value < atLeast && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    value = await xactCommit(url);
  }
  return value;
}

const markerRows = async () =>
  Number(
    (
      await queryOnce<{ n: string }>(config.primaryUrl, 'SELECT count(*) AS n FROM test_replication WHERE data = $1', [
        MARKER,
      ])
    )[0]!.n,
  );

const havePgbench = findPgbench();

test('pgbench: the findMany SQL on a standby for 1 s', async () => {
  if (!(await havePgbench)) {
    console.warn('pgbench not installed (apt-get install postgresql-client): pgbench baseline test skipped');
    return;
  }
  const [inRecovery] = await queryOnce<{ r: boolean }>(standbyUrl, 'SELECT pg_is_in_recovery() AS r');
  expect(inRecovery!.r).toBe(true);
  const before = await xactCommit(standbyUrl);
  const result = await runPgbench({ url: standbyUrl, sql: FIND_MANY_SQL, clients: 2, seconds: 1 });
  if (result.status !== 'ok') throw new Error(`pgbench unavailable: ${result.reason}`);
  const after = await xactCommitReaching(standbyUrl, before + result.transactions);

  expect(result.transactions).toBeGreaterThan(0);
  expect(result.failed).toBe(0);
  expect(result.opsPerSec).toBeGreaterThan(0);
  expect(result.meanMs).toBeGreaterThan(0);
  expect(result.p50Ms).not.toBeNull();
  expect(result.p50Ms!).toBeLessThanOrEqual(result.p95Ms!);
  expect(result.p95Ms!).toBeLessThanOrEqual(result.p99Ms!);
  expect(result.version).toMatch(/^pgbench \(PostgreSQL\) \d+/);
  // Every pgbench transaction committed on the standby itself.
  expect(after - before).toBeGreaterThanOrEqual(result.transactions);
  // The password went through PGPASSWORD, never the command line.
  expect(result.argv.join(' ')).not.toContain(config.cluster.appPassword);
  expect(result.target).not.toContain(config.cluster.appPassword);
  expect(result.argv).toEqual(expect.arrayContaining(['-n', '-c', '2', '-T', '1', '-r', '--log']));
});

test('pgbench: an insert on the primary, a fixed number of transactions', async () => {
  if (!(await havePgbench)) {
    console.warn('pgbench not installed (apt-get install postgresql-client): pgbench baseline test skipped');
    return;
  }
  const before = await markerRows();
  const result = await runPgbench({
    url: config.primaryUrl,
    sql: "INSERT INTO test_replication (data) VALUES ('baseline-test-insert')",
    clients: 2,
    transactions: 150,
  });
  if (result.status !== 'ok') throw new Error(`pgbench unavailable: ${result.reason}`);
  expect(result.transactions).toBe(300);
  expect(result.opsPerSec).toBeGreaterThan(0);
  expect(await markerRows()).toBe(before + 300);
});

test('pgbench missing: a typed "unavailable" with the reason, never a throw', async () => {
  const explicit = await runPgbench({
    url: standbyUrl,
    sql: 'SELECT 1',
    clients: 1,
    seconds: 1,
    pgbench: '/nowhere/pgbench',
  });
  expect(explicit).toEqual({
    status: 'unavailable',
    tool: 'pgbench',
    reason: expect.stringMatching(
      /pgbench not found at \/nowhere\/pgbench: install it with `apt-get install postgresql-client`/,
    ),
  });
  expect(await findPgbench({ command: 'no-such-pgbench-here', debianLib: '/nowhere' })).toBeNull();
});

test('pgbench failing for real (bad SQL) is an error that says so', async () => {
  if (!(await havePgbench)) return;
  await expect(
    runPgbench({ url: standbyUrl, sql: 'SELECT * FROM no_such_table', clients: 1, transactions: 1 }),
  ).rejects.toThrow(/pgbench against postgresql:\/\/rwsplit:\*\*\*@.* failed .*no_such_table/s);
});

test('raw pg: the findMany SQL on a standby', async () => {
  const before = await xactCommit(standbyUrl);
  const result = await runRawPg({ url: standbyUrl, sql: FIND_MANY_SQL, clients: 4, iterations: 300 });
  const after = await xactCommitReaching(standbyUrl, before + 300);
  expect(result).toMatchObject({ status: 'ok', tool: 'raw-pg', clients: 4, transactions: 300 });
  expect(result.opsPerSec).toBeGreaterThan(0);
  expect(result.p50Ms!).toBeGreaterThan(0);
  expect(result.p50Ms!).toBeLessThanOrEqual(result.p99Ms!);
  expect(after - before).toBeGreaterThanOrEqual(300);
  expect(result.target).not.toContain(config.cluster.appPassword);
});

test('raw pg: a parameterised insert on the primary', async () => {
  const before = await markerRows();
  const result = await runRawPg({
    url: config.primaryUrl,
    sql: 'INSERT INTO test_replication (data) VALUES ($1)',
    params: [MARKER],
    clients: 2,
    iterations: 100,
    warmup: 0,
  });
  expect(result.transactions).toBe(100);
  expect(await markerRows()).toBe(before + 100);
});
