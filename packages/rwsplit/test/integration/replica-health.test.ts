// Replica health without a router, on the real cluster: checkReplicaHealth gives the router's figures for one
// replica (and flags a primary), createHealthChecker checks every replica with the router's events, and the short-
// lived connections under both take a URL or a client config and turn a query that gets no answer into a typed
// QueryTimeoutError.
import { randomUUID } from 'node:crypto';
import {
  checkReplicaHealth,
  createHealthChecker,
  ineligibility,
  queryOnce,
  QueryTimeoutError,
  type RwsplitEvent,
  withConnection,
} from '../../src';
import { nodeName, portOf, testCluster } from '../helpers/test-cluster';

const cluster = testCluster();
const limits = { maxLagMs: 1000, maxLagBytes: 1024 * 1024 };
const LSN = /^[0-9A-F]+\/[0-9A-F]+$/;

test("checkReplicaHealth: a replica's lag against the primary's LSN; a primary is not in recovery", async () => {
  const [{ lsn }] = (await queryOnce<{ lsn: string }>(
    cluster.primaryUrl,
    'SELECT pg_current_wal_lsn()::text AS lsn',
    [],
    2000,
    2000,
  )) as [{ lsn: string }];
  for (const url of cluster.replicaUrls) {
    const health = await checkReplicaHealth(url, { primaryLsn: lsn });
    expect(health).toMatchObject({ reachable: true, inRecovery: true, error: null });
    expect(health.replayLsn).toMatch(LSN);
    expect(health.lagBytes).toBeGreaterThanOrEqual(0);
    expect(ineligibility(health, limits)).toBeNull();
  }
  const primary = await checkReplicaHealth({ connectionString: cluster.primaryUrl, application_name: 'health-test' });
  expect(primary).toMatchObject({ reachable: true, inRecovery: false, lagBytes: null });
  expect(ineligibility(primary, limits)).toBe('not_in_recovery');
});

test('createHealthChecker: every replica checked and admitted, with the router events', async () => {
  const events: RwsplitEvent[] = [];
  const health = createHealthChecker({
    primaryUrl: cluster.primaryUrl,
    replicaUrls: cluster.replicaUrls,
    ...limits,
    checkIntervalMs: [60_000, 60_000],
    onEvent: (e) => events.push(e),
  });
  try {
    await health.start();
    const names = cluster.replicaUrls.map(nodeName);
    expect(health.replicas().map((r) => [r.name, r.eligible, r.reason])).toEqual(names.map((n) => [n, true, null]));
    for (const node of names) {
      expect(events).toContainEqual(expect.objectContaining({ event: 'replica_checked', node, eligible: true }));
      expect(events).toContainEqual({ event: 'replica_admitted', node });
    }
  } finally {
    await health.close();
  }
});

test('queryOnce / withConnection: a query with no answer in time is a QueryTimeoutError; a config target works', async () => {
  const slow = 'SELECT pg_sleep(2), $1::text AS tag';
  const err = await queryOnce(cluster.primaryUrl, slow, [randomUUID()], 2000, 200).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(QueryTimeoutError);
  expect(err).toMatchObject({ server: `127.0.0.1:${portOf(cluster.primaryUrl)}`, timeoutMs: 200 });
  expect((err as Error).message).not.toContain(new URL(cluster.primaryUrl).password);
  // The target's own query_timeout wins over the one passed.
  const target = { connectionString: cluster.primaryUrl, query_timeout: 150 };
  await expect(withConnection(target, (c) => c.query(slow, [randomUUID()]), 2000, 60_000)).rejects.toThrow(
    /within 150 ms/,
  );
  expect(await queryOnce<{ one: number }>(target, 'SELECT 1 AS one', [], 2000, 2000)).toEqual([{ one: 1 }]);
});
