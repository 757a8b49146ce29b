// Routing on the real cluster: where reads and writes land, proven by the servers' own answers.
import { ConfigError, loadConfig } from '../../src/config';
import { LocalCluster } from '../../src/cluster/local-cluster';
import { isConnectionError } from 'rwsplit';
import { queryOnce } from '../../src/db/pg-client';
import type { RwsplitEvent } from 'rwsplit';
import { leastLag } from 'rwsplit';
import { NoPrimaryError } from 'rwsplit';
import { createRwsplitFromConfig, type AppRwsplit } from '../../src/db/app-rwsplit';
import { NoReplicaAvailableError } from 'rwsplit';
import { serverIdentity } from '../helpers/server-port';
import { waitUntil } from '../helpers/wait-until';

const config = loadConfig();
const cluster = new LocalCluster(config.cluster);
const [primaryPort, ...standbyPorts] = config.cluster.ports;
const standby = (i: number) => cluster.nodes[i + 1]!;

async function setReplayPaused(index: number, paused: boolean): Promise<void> {
  const fn = paused ? 'pg_wal_replay_pause' : 'pg_wal_replay_resume';
  await queryOnce(cluster.adminTarget(standby(index)), `SELECT ${fn}()`);
}

/** Inserts a row straight on the primary, bypassing rwsplit, and returns its id. */
async function insertOnPrimary(data: string): Promise<number> {
  const rows = await queryOnce<{ id: number }>(
    config.primaryUrl,
    'INSERT INTO test_replication (data) VALUES ($1) RETURNING id',
    [data],
  );
  return rows[0]!.id;
}

async function primaryLsn(): Promise<string> {
  return (await queryOnce<{ lsn: string }>(config.primaryUrl, 'SELECT pg_current_wal_lsn()::text AS lsn'))[0]!.lsn;
}

/** Waits until every standby has replayed the primary's current position. */
async function syncAll(): Promise<void> {
  const lsn = await primaryLsn();
  await waitUntil(async () => {
    const done = await Promise.all(
      config.replicaUrls.map(
        async (url) =>
          (await queryOnce<{ ok: boolean }>(url, 'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [lsn]))[0]!.ok,
      ),
    );
    return done.every(Boolean);
  }, 'standbys to replay the primary position');
}

describe('routing on the real cluster', () => {
  let rw: AppRwsplit;
  const events: RwsplitEvent[] = [];

  beforeAll(async () => {
    rw = await createRwsplitFromConfig(config, { onEvent: (e) => events.push(e), checkIntervalMs: [60_000, 60_000] });
  });
  afterAll(async () => {
    await Promise.all([0, 1].map((i) => setReplayPaused(i, false)));
    await rw.close();
  });
  beforeEach(async () => {
    events.length = 0;
    await Promise.all([0, 1].map((i) => setReplayPaused(i, false)));
    await syncAll();
    await rw.checkNow();
  });

  test('$replica() reads answer from a standby, spread over both', async () => {
    // Ties between idle replicas go at random: within 40 reads both serve (all on one: 2 in 2^40).
    const ports = new Set<number>();
    for (let i = 0; i < 40 && ports.size < standbyPorts.length; i++) {
      const id = await serverIdentity(rw.client.$replica());
      expect(id.inRecovery).toBe(true);
      ports.add(id.port);
    }
    expect([...ports].sort()).toEqual([...standbyPorts].sort());
  });

  test('writes, raw SQL, $primary() and transactions go to the primary', async () => {
    expect(await serverIdentity(rw.client)).toEqual({ port: primaryPort, inRecovery: false });
    expect(await serverIdentity(rw.client.$primary())).toEqual({ port: primaryPort, inRecovery: false });
    const inTx = await rw.client.$transaction(async (tx) => serverIdentity(tx));
    expect(inTx).toEqual({ port: primaryPort, inRecovery: false });
    const row = await rw.client.testReplication.create({ data: { data: 'routing write' } });
    const onPrimary = await queryOnce<{ id: number }>(
      config.primaryUrl,
      'SELECT id FROM test_replication WHERE id = $1',
      [row.id],
    );
    expect(onPrimary).toHaveLength(1);
    expect(events).toContainEqual(
      expect.objectContaining({ event: 'query', role: 'primary', operation: 'create', ok: true }),
    );
  });

  test('model reads are served by a standby: a row the standbys have not replayed is invisible to them', async () => {
    await Promise.all([0, 1].map((i) => setReplayPaused(i, true)));
    const id = await insertOnPrimary('only on the primary for now');
    // Outside a session scope reads are eventual: they go to a standby, which has not replayed the insert.
    expect(await rw.client.testReplication.findUnique({ where: { id } })).toBeNull();
    expect(await rw.client.testReplication.count({ where: { id } })).toBe(0);
    expect(await rw.client.$primary().testReplication.findUnique({ where: { id } })).not.toBeNull();
    // $primary() reads are reported too, as served by the primary.
    const reads = events.filter((e) => e.event === 'query' && e.operation !== '$queryRaw');
    expect(reads.map((e) => (e.event === 'query' ? e.role : null))).toEqual(['replica', 'replica', 'primary']);
  });

  test('a lagging replica is ejected and re-admitted after it catches up; the byte rule keeps an idle one in', async () => {
    // A router of its own, so its strict thresholds never leak into the other tests.
    const strict = await createRwsplitFromConfig(config, {
      onEvent: (e) => events.push(e),
      checkIntervalMs: [60_000, 60_000],
      maxLagMs: 0, // time lag alone never qualifies here, so eligibility rests on the byte rule
      maxLagBytes: 0,
    });
    try {
      // Idle standbys: time since the last replayed commit is > 0 ms, yet nothing is missing, so both are in. (A
      // background WAL record, e.g. autovacuum's after other suites' deletes, can be in flight at one check.)
      await waitUntil(async () => {
        await strict.checkNow();
        return strict.replicas().every((r) => r.eligible);
      }, 'both idle standbys to be eligible');
      expect(strict.replicas().map((r) => r.eligible)).toEqual([true, true]);

      await setReplayPaused(0, true);
      await insertOnPrimary('makes standby1 fall behind');
      await waitUntil(async () => {
        await strict.checkNow();
        const [s1, s2] = strict.replicas();
        return s1!.reason === 'lagging' && s2!.eligible;
      }, 'standby1 to be ejected as lagging while standby2 stays eligible');
      expect(events).toContainEqual(
        expect.objectContaining({ event: 'replica_ejected', reason: 'lagging', node: `127.0.0.1:${standbyPorts[0]}` }),
      );
      for (let i = 0; i < 3; i++) expect((await serverIdentity(strict.client.$replica())).port).toBe(standbyPorts[1]);

      await setReplayPaused(0, false);
      await waitUntil(async () => {
        await strict.checkNow();
        return strict.replicas()[0]!.eligible;
      }, 'standby1 to be re-admitted');
      expect(events).toContainEqual({ event: 'replica_admitted', node: `127.0.0.1:${standbyPorts[0]}` });
    } finally {
      await strict.close();
    }
  });

  test('read-your-writes: inside a session a read after a write sees it, even with both standbys paused', async () => {
    await Promise.all([0, 1].map((i) => setReplayPaused(i, true)));
    await rw.session(async () => {
      const row = await rw.client.testReplication.create({ data: { data: 'ryw' } });
      const seen = await rw.client.testReplication.findUnique({ where: { id: row.id } });
      expect(seen?.data).toBe('ryw');
      // No standby has replayed it: the read must have gone to the primary.
      expect(events).toContainEqual({ event: 'primary_fallback_read', reason: 'not_caught_up' });
    });
    // The same read in eventual mode goes to a standby, which does not have the row.
    const stale = await rw.session(
      async () => {
        const row = await rw.client.testReplication.create({ data: { data: 'eventual' } });
        return rw.client.testReplication.findUnique({ where: { id: row.id } });
      },
      { mode: 'eventual' },
    );
    expect(stale).toBeNull();
  });

  /** Which server answered, and whether it shows row `id`: a paused standby cannot. */
  async function servedBy(client: AppRwsplit['client'], id: number) {
    const rows = await client.$replica().$queryRaw<{ port: number; in_recovery: boolean; present: boolean }[]>`
      SELECT inet_server_port() AS port, pg_is_in_recovery() AS in_recovery,
             EXISTS (SELECT 1 FROM test_replication WHERE id = ${id}) AS present`;
    return { port: rows[0]!.port, inRecovery: rows[0]!.in_recovery, present: rows[0]!.present };
  }

  test('read-your-writes uses a replica once it has replayed the write', async () => {
    await rw.session(async () => {
      const row = await rw.client.testReplication.create({ data: { data: 'ryw replica' } });
      await syncAll();
      const served = await servedBy(rw.client, row.id);
      expect(served.inRecovery).toBe(true);
      expect(standbyPorts).toContain(served.port);
      expect(served.present).toBe(true);
    });
  });

  test('a read may wait for a replica to catch up (readYourWritesWaitMs)', async () => {
    const waiting = await createRwsplitFromConfig(config, {
      readYourWritesWaitMs: 20_000,
      checkIntervalMs: [60_000, 60_000],
      onEvent: (e) => events.push(e),
    });
    try {
      await Promise.all([0, 1].map((i) => setReplayPaused(i, true)));
      await waiting.session(async () => {
        const row = await waiting.client.testReplication.create({ data: { data: 'wait for me' } });
        const read = servedBy(waiting.client, row.id);
        setTimeout(() => void setReplayPaused(1, false), 300);
        // Served by standby2, the only one that replays: it shows the row; standby1 (paused) could not.
        expect(await read).toEqual({ port: standbyPorts[1], inRecovery: true, present: true });
      });
    } finally {
      await waiting.close();
    }
  });

  test('read-your-writes applies the strategy to the replicas that have caught up (leastLag)', async () => {
    const least = await createRwsplitFromConfig(config, {
      strategy: leastLag,
      maxLagMs: 60_000,
      maxLagBytes: 1 << 30,
      checkIntervalMs: [60_000, 60_000],
    });
    try {
      // The last check showed both idle and equal, so leastLag prefers standby1, which now stops replaying.
      await setReplayPaused(0, true);
      await least.session(async () => {
        const row = await least.client.testReplication.create({ data: { data: 'least lag ryw' } });
        await waitUntil(
          async () =>
            (
              await queryOnce<{ present: boolean }>(
                config.replicaUrls[1]!,
                'SELECT EXISTS (SELECT 1 FROM test_replication WHERE id = $1) AS present',
                [row.id],
              )
            )[0]!.present,
          'standby2 to replay the write',
        );
        // standby2 is the only caught-up replica: the strategy is applied to it, not asked again and again.
        expect(await servedBy(least.client, row.id)).toEqual({
          port: standbyPorts[1],
          inRecovery: true,
          present: true,
        });
      });
    } finally {
      await least.close();
    }
  });

  test('a causal token carries read-your-writes into the next scope; junk tokens are refused', async () => {
    await Promise.all([0, 1].map((i) => setReplayPaused(i, true)));
    const { token, id } = await rw.session(async () => {
      const row = await rw.client.testReplication.create({ data: { data: 'token' } });
      return { token: await rw.token(), id: row.id };
    });
    expect(token).toMatch(/^rw1\./);
    const seen = await rw.session(() => rw.client.testReplication.findUnique({ where: { id } }), { token: token! });
    expect(seen?.id).toBe(id);
    const blind = await rw.session(() => rw.client.testReplication.findUnique({ where: { id } }));
    expect(blind).toBeNull();
    await expect(rw.session(async () => 1, { token: 'rw1.bm9wZQ' })).rejects.toThrow(/Corrupt rwsplit causal token/);
    await expect(rw.session(async () => 1, { token: "'); DROP TABLE x; --" })).rejects.toThrow(
      /Not an rwsplit causal token/,
    );
  });

  test('session() refuses an unknown mode instead of ignoring it', async () => {
    const err = await rw.session(async () => 1, { mode: 'strong' as never }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(String(err)).toMatch(/session option mode must be one of eventual, read-your-writes, primary/);
  });

  test("mode 'primary' always reads on the primary", async () => {
    const id = await rw.session(() => serverIdentity(rw.client.$replica()), { mode: 'primary' });
    expect(id).toEqual({ port: primaryPort, inRecovery: false });
  });

  test('a query error on a replica is surfaced unchanged and not retried', async () => {
    await expect(rw.client.$replica().$queryRawUnsafe('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);
    const queries = events.filter((e) => e.event === 'query');
    expect(queries).toHaveLength(1);
    expect(events.some((e) => e.event === 'replica_ejected')).toBe(false);
  });
});

describe('bad routing configuration', () => {
  test.each([
    [{ maxLagMs: -1 }, /maxLagMs must be ≥ 0/],
    [{ maxLagBytes: -5 }, /maxLagBytes must be ≥ 0/],
    [{ consistency: 'strong' as never }, /consistency: must be one of eventual, read-your-writes, primary/],
    [{ checkIntervalMs: [500, 100] as const }, /checkIntervalMs must be \[min, max\]/],
  ])('%j is refused', async (extra, message) => {
    await expect(createRwsplitFromConfig(config, extra)).rejects.toThrow(message);
  });

  test('a replica URL that is the primary itself is refused', async () => {
    await expect(
      createRwsplitFromConfig(config, { replicaUrls: [config.replicaUrls[0]!, config.primaryUrl] }),
    ).rejects.toThrow(/replicaUrls\[1\] .* is the primary itself/);
  });

  test('a replica URL that reaches the primary under another name is warned about once and never eligible', async () => {
    const viaLocalhost = config.primaryUrl.replace('127.0.0.1', 'localhost');
    const events: RwsplitEvent[] = [];
    const rw = await createRwsplitFromConfig(config, {
      replicaUrls: [viaLocalhost],
      checkIntervalMs: [60_000, 60_000],
      onEvent: (e) => events.push(e),
    });
    try {
      expect(rw.replicas()[0]).toEqual(expect.objectContaining({ eligible: false, reason: 'not_in_recovery' }));
      await rw.checkNow();
      await rw.checkNow();
      expect(events.filter((e) => e.event === 'replica_is_primary')).toEqual([
        { event: 'replica_is_primary', node: `localhost:${primaryPort}` },
      ]);
      // Reads fall back to the primary by its real name, never "the replica".
      expect(await serverIdentity(rw.client.$replica())).toEqual({ port: primaryPort, inRecovery: false });
      expect(events).toContainEqual({ event: 'primary_fallback_read', reason: 'no_eligible_replica' });
    } finally {
      await rw.close();
    }
  });

  test('fallbackToPrimary off: reads fail clearly when no replica qualifies', async () => {
    const rw = await createRwsplitFromConfig(config, {
      replicaUrls: ['postgresql://rwsplit:x@127.0.0.1:1/rwsplit'],
      fallbackToPrimary: false,
      connectTimeoutMs: 500,
    });
    try {
      expect(rw.replicas()[0]).toEqual(expect.objectContaining({ eligible: false, reason: 'unreachable' }));
      const err = await rw.client.testReplication.count().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NoReplicaAvailableError);
      expect(String(err)).toMatch(/127\.0\.0\.1:1: unreachable.*fallbackToPrimary is off/);
    } finally {
      await rw.close();
    }
  });

  test('a dead primary: reads keep working on the replicas, writes fail saying no primary was found', async () => {
    const rw = await createRwsplitFromConfig(config, {
      primaryUrl: 'postgresql://rwsplit:x@127.0.0.1:1/rwsplit',
      connectTimeoutMs: 500,
    });
    try {
      // With the primary unknown, byte lag is measured against what each replica received, so idle replicas qualify.
      expect(rw.replicas().map((r) => r.eligible)).toEqual([true, true]);
      expect((await serverIdentity(rw.client.$replica())).inRecovery).toBe(true);
      await expect(rw.client.testReplication.count()).resolves.toBeGreaterThan(0);
      const err = await rw.client.testReplication.create({ data: { data: 'nowhere' } }).catch((e: unknown) => e);
      // The discovery's own class, with the write's error as its cause.
      expect(err).toBeInstanceOf(NoPrimaryError);
      expect(isConnectionError((err as Error).cause)).toBe(true);
      expect(String(err)).toMatch(/Write failed on 127\.0\.0\.1:1 and no primary could be found/);
      expect(String(err)).toMatch(/every node is down or in recovery/);
    } finally {
      await rw.close();
    }
  });

  test('one primary reached under two names is one primary, not split brain: the write follows it', async () => {
    // The configured primary is unreachable; the real primary is configured twice, as 127.0.0.1 and as localhost.
    const events: RwsplitEvent[] = [];
    const rw = await createRwsplitFromConfig(config, {
      primaryUrl: 'postgresql://rwsplit:x@127.0.0.1:1/rwsplit',
      replicaUrls: [config.primaryUrl, config.primaryUrl.replace('127.0.0.1', 'localhost')],
      connectTimeoutMs: 500,
      onEvent: (e) => events.push(e),
    });
    try {
      const row = await rw.client.testReplication.create({ data: { data: 'two names' } });
      expect(events).toContainEqual({ event: 'primary_changed', from: '127.0.0.1:1', to: `127.0.0.1:${primaryPort}` });
      expect(await serverIdentity(rw.client)).toEqual({ port: primaryPort, inRecovery: false });
      expect(await queryOnce(config.primaryUrl, 'SELECT 1 FROM test_replication WHERE id = $1', [row.id])).toHaveLength(
        1,
      );
    } finally {
      await rw.close();
    }
  });

  test('fallbackToPrimary on (default): with every replica down, reads go to the primary', async () => {
    const events: RwsplitEvent[] = [];
    const rw = await createRwsplitFromConfig(config, {
      replicaUrls: ['postgresql://rwsplit:x@127.0.0.1:1/rwsplit'],
      connectTimeoutMs: 500,
      onEvent: (e) => events.push(e),
    });
    try {
      expect(await serverIdentity(rw.client.$replica())).toEqual({ port: primaryPort, inRecovery: false });
      expect(events).toContainEqual({ event: 'primary_fallback_read', reason: 'no_eligible_replica' });
    } finally {
      await rw.close();
    }
  });
});
