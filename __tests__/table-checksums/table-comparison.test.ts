// The whole-table comparison, including real divergence: a throwaway cluster whose standby1 has its WAL replay
// paused while the primary changes, compared without syncing; then resumed and compared with syncing.
import path from 'node:path';
import { ensureReady } from '../../src/cluster/cluster-commands';
import { LocalCluster } from '../../src/cluster/local-cluster';
import { CLUSTER_BASE, type Config, loadConfig } from '../../src/config';
import { compareTable } from '../../src/table-checksums/table-comparison';
import { formatComparison } from '../../src/table-checksums/format-comparison';
import { queryOnce, withPg } from '../../src/db/pg-client';
import { readPrimaryWalPosition } from '../../src/replication/primary-wal-position';
import { waitForReplay } from '../../src/replication/wait-for-replay';
import { freePorts } from '../demo/free-ports';

test('on the test cluster, after syncing, every standby equals the primary', async () => {
  const c = await compareTable(loadConfig(), { chunkWidth: 1000 });
  expect(c.syncedTo).not.toBeNull();
  expect(c.standbys.map((s) => [s.name, s.equal, s.differingChunkCount, s.rows])).toEqual([
    ['standby1', true, 0, c.primary.rows],
    ['standby2', true, 0, c.primary.rows],
  ]);
  expect(c.equal).toBe(true);
  expect(formatComparison(c)).toContain('EQUAL');
});

describe('a standby whose replay is paused', () => {
  const dir = path.join(CLUSTER_BASE, '.cluster-b-consistency');
  let config: Config;
  let cluster: LocalCluster;
  const standby1 = () => cluster.adminTarget(cluster.node('standby1'));

  beforeAll(async () => {
    // A cluster left over from an interrupted run is removed whatever ports it had (reset works on the folder).
    await new LocalCluster(loadConfig({ RWSPLIT_CLUSTER_DIR: dir }).cluster).reset();
    const ports = await freePorts(3);
    config = loadConfig({ RWSPLIT_CLUSTER_DIR: dir, RWSPLIT_CLUSTER_PORTS: ports.join(',') });
    cluster = new LocalCluster(config.cluster);
    await ensureReady(config);
  }, 120_000);
  afterAll(async () => {
    await cluster.reset();
  }, 60_000);

  test('is reported with the first differing id, until it resumes and is synced', async () => {
    await queryOnce(
      config.primaryUrl,
      "INSERT INTO test_replication (data) SELECT 'row ' || g FROM generate_series(1, 3000) AS g",
    );
    const before = await compareTable(config, { chunkWidth: 1000 });
    expect(before.equal).toBe(true);
    expect(before.primary.rows).toBe(3000);

    await queryOnce(standby1(), 'SELECT pg_wal_replay_pause()');
    try {
      await withPg(config.primaryUrl, async (c) => {
        await c.query("UPDATE test_replication SET data = 'changed on the primary' WHERE id = 1234");
        await c.query("INSERT INTO test_replication (data) SELECT 'late ' || g FROM generate_series(1, 50) AS g");
      });
      // standby2 still replays: let it catch up, so that only standby1 differs.
      const { lsn } = await readPrimaryWalPosition(config.primaryUrl);
      await waitForReplay(config.replicaUrls[1]!, lsn, { name: 'standby2' });

      const paused = await compareTable(config, { chunkWidth: 1000, sync: false });
      expect(paused.syncedTo).toBeNull();
      expect(paused.equal).toBe(false);
      const [s1, s2] = paused.standbys;
      expect(s2).toMatchObject({ name: 'standby2', equal: true, rows: 3050 });
      expect(s1).toMatchObject({ name: 'standby1', equal: false, rows: 3000, differingChunkCount: 2 });
      expect(s1!.differingChunks).toEqual([
        { lo: 1000, hi: 2000, primaryRows: 1000, standbyRows: 1000 },
        { lo: 3000, hi: 3051, primaryRows: 51, standbyRows: 1 },
      ]);
      expect(s1!.firstDifference).toEqual({
        lo: 1234,
        hi: 1235,
        primaryRows: 1,
        standbyRows: 1,
        kind: 'different content',
      });
      const text = formatComparison(paused);
      expect(text).toContain('compared WITHOUT syncing');
      expect(text).toMatch(/standby1 .*id 1234: different content/);
      expect(text).toContain('DIFFERENT: standby1 differs from the primary');

      // With syncing, a paused standby cannot catch up: the sync times out naming it.
      await expect(compareTable(config, { syncTimeoutMs: 300 })).rejects.toThrow(/standby1 did not replay up to/);
    } finally {
      await queryOnce(standby1(), 'SELECT pg_wal_replay_resume()');
    }

    const after = await compareTable(config, { chunkWidth: 1000 });
    expect(after.equal).toBe(true);
    expect(after.standbys.map((s) => s.rows)).toEqual([3050, 3050]);
  });

  test('a row missing on the standby is named as such', async () => {
    await queryOnce(standby1(), 'SELECT pg_wal_replay_pause()');
    try {
      const [row] = await queryOnce<{ id: number }>(
        config.primaryUrl,
        "INSERT INTO test_replication (data) VALUES ('only on the primary so far') RETURNING id",
      );
      const c = await compareTable(config, { sync: false });
      expect(c.standbys[0]!.firstDifference).toMatchObject({
        lo: row!.id,
        hi: row!.id + 1,
        kind: 'missing on the standby',
      });
    } finally {
      await queryOnce(standby1(), 'SELECT pg_wal_replay_resume()');
    }
    expect((await compareTable(config)).equal).toBe(true);
  });
});
