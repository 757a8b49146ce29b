// pgbench and raw pg baselines on the real cluster: the standby run really hits the standby (its own
// xact_commit grows by at least the transactions reported), the insert really inserts on the primary.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { queryOnce } from '../../../src/db/pg-client';
import { runPgbench } from '../../../src/bench/baseline/run-pgbench';
import { runRawPg } from '../../../src/bench/baseline/run-raw-pg';
import { pgbenchOrFailure } from '../../../src/bench/baseline/run-pgbench';
import { runPgbenchSpread, splitClients } from '../../../src/bench/baseline/run-pgbench-spread';
import { runPgbenchBaselines } from '../../../src/bench/baseline/run-pgbench-baselines';
import { LATEST_ROWS_SQL, PGBENCH_WRITE_SQL } from '../../../src/bench/reads/bench-paths';
import { DEBIAN_PG_LIB, PGBENCH_INSTALL_HINT, findPgbench } from '../../../src/bench/baseline/find-pgbench';

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

/** Where findPgbench looks, decided before the tests are defined: jest cannot skip a test once it runs. */
const havePgbench =
  spawnSync('pgbench', ['--version']).status === 0 ||
  (existsSync(DEBIAN_PG_LIB) &&
    readdirSync(DEBIAN_PG_LIB).some((v) => existsSync(path.join(DEBIAN_PG_LIB, v, 'bin', 'pgbench'))));
if (!havePgbench) console.warn(`pgbench baseline tests skipped: pgbench not installed; ${PGBENCH_INSTALL_HINT}.`);
const withPgbench = havePgbench ? test : test.skip;

withPgbench('pgbench: the findMany SQL on a standby for 1 s', async () => {
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

withPgbench('pgbench: an insert on the primary, a fixed number of transactions', async () => {
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
    kind: 'not-installed',
    reason: expect.stringMatching(
      /pgbench not found at \/nowhere\/pgbench: install it with `apt-get install postgresql-client`/,
    ),
  });
  expect(await findPgbench({ command: 'no-such-pgbench-here', debianLib: '/nowhere' })).toBeNull();
});

withPgbench('pgbench failing for real (bad SQL) is an error that says so', async () => {
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

withPgbench('pgbench failing where it is installed is "failed" with its error, never "not installed"', async () => {
  const outcome = await pgbenchOrFailure(() =>
    runPgbench({ url: standbyUrl, sql: 'SELECT * FROM no_such_table', clients: 1, transactions: 1 }),
  );
  expect(outcome).toEqual({
    status: 'unavailable',
    tool: 'pgbench',
    kind: 'failed',
    reason: expect.stringMatching(/^pgbench failed: .*no_such_table/s),
  });
  if (outcome.status === 'unavailable') expect(outcome.reason).not.toContain(config.cluster.appPassword);
});

test('clients split over nodes as evenly as possible', () => {
  expect(splitClients(4, 2)).toEqual([2, 2]);
  expect(splitClients(5, 2)).toEqual([3, 2]);
  expect(splitClients(1, 2)).toEqual([1]);
  expect(splitClients(16, 3)).toEqual([6, 5, 5]);
});

withPgbench('pgbench split over every standby: each runs its share at the same time, figures combined', async () => {
  const before = await Promise.all(config.replicaUrls.map(xactCommit));
  const result = await runPgbenchSpread({ urls: config.replicaUrls, sql: FIND_MANY_SQL, clients: 4, seconds: 1 });
  if (result.status !== 'ok') throw new Error(`pgbench unavailable: ${result.reason}`);
  expect(result.parts).toHaveLength(config.replicaUrls.length);
  expect(result.parts!.map((p) => p.clients)).toEqual(splitClients(4, config.replicaUrls.length));
  expect(result.clients).toBe(4);
  expect(result.transactions).toBe(result.parts!.reduce((s, p) => s + p.transactions, 0));
  expect(result.opsPerSec).toBeCloseTo(
    result.parts!.reduce((s, p) => s + p.opsPerSec, 0),
    6,
  );
  // Every standby served its own share.
  for (const [i, url] of config.replicaUrls.entries()) {
    expect(result.parts![i]!.transactions).toBeGreaterThan(0);
    expect(await xactCommitReaching(url, before[i]! + result.parts![i]!.transactions)).toBeGreaterThanOrEqual(
      before[i]! + result.parts![i]!.transactions,
    );
  }
  expect(result.target).not.toContain(config.cluster.appPassword);
});

withPgbench("the bench's pgbench read baseline runs on every standby, the write on the primary", async () => {
  const baselines = await runPgbenchBaselines(config, {
    clients: 2,
    seconds: 1,
    readSql: LATEST_ROWS_SQL,
    writeSql: PGBENCH_WRITE_SQL,
  });
  if (baselines.read.status !== 'ok' || baselines.write.status !== 'ok') throw new Error('pgbench did not run');
  expect(baselines.read.parts?.map((p) => p.clients)).toEqual(splitClients(2, config.replicaUrls.length));
  expect(baselines.write.parts).toBeUndefined();
  expect(baselines.write.clients).toBe(2);
});

test('raw pg over several nodes in turn, with per-query parameters', async () => {
  const before = await Promise.all(config.replicaUrls.map(xactCommit));
  const result = await runRawPg({
    url: config.replicaUrls,
    sql: 'SELECT $1::int AS i',
    params: (i) => [i],
    clients: 2,
    iterations: 200,
    warmup: 0,
  });
  expect(result.transactions).toBe(200);
  expect(result.target.split(' + ')).toHaveLength(config.replicaUrls.length);
  const share = 200 / config.replicaUrls.length;
  for (const [i, url] of config.replicaUrls.entries()) {
    expect(await xactCommitReaching(url, before[i]! + share)).toBeGreaterThanOrEqual(before[i]! + share);
  }
});
