// Faults injected for real on a private cluster: a stopped standby, a terminated backend, remote_apply with a
// paused standby, and a failover with promotion (then a split brain).
import { isConnectionError } from 'rwsplit';
import { queryOnce, withPg } from '../../src/db/pg-client';
import type { RwsplitEvent } from 'rwsplit';
import { NoSynchronousStandbyError, withRemoteApply } from 'rwsplit';
import { SplitBrainError } from 'rwsplit';
import { createAppRwsplit, type AppRwsplit } from '../../src/db/app-rwsplit';
import { WriteOutcomeUnknownError } from 'rwsplit';
import { terminateStatement, waitForStatement } from '../helpers/backends';
import { serverIdentity } from '../helpers/server-port';
import { throwawayCluster, type Throwaway } from '../helpers/throwaway-cluster';
import { waitUntil } from '../helpers/wait-until';

// Below Linux's ephemeral range (32768–60999), so an outgoing connection never holds one of them.
const PORTS = [25430, 25431, 25432];
let env: Throwaway;
let rw: AppRwsplit;
const events: RwsplitEvent[] = [];

/** Always the first eligible replica, so a test knows which one a read goes to. */
const firstEligible = <T>(eligible: readonly T[]) => eligible[0]!;

beforeAll(async () => {
  env = await throwawayCluster('faults', PORTS, { syncStandbys: 2 });
}, 120_000);
afterAll(async () => {
  await rw?.close();
  await env?.destroy();
});
beforeEach(async () => {
  events.length = 0;
  await rw?.close();
  rw = await createAppRwsplit({
    primaryUrl: env.primaryUrl,
    replicaUrls: env.replicaUrls,
    strategy: firstEligible,
    checkIntervalMs: [60_000, 60_000],
    connectTimeoutMs: 1000,
    onEvent: (e) => events.push(e),
  });
});

const admin = (name: string) => env.cluster.adminTarget(env.cluster.node(name));

test('a stopped standby: the read that hits it ejects it and is retried on the other standby', async () => {
  expect(rw.replicas().map((r) => r.eligible)).toEqual([true, true]);
  await env.cluster.stop('standby1');
  try {
    // No health check has run since: the router still believes standby1 is fine, and tries it first.
    const id = await serverIdentity(rw.client.$replica());
    expect(id).toEqual({ port: PORTS[2], inRecovery: true });
    expect(events).toContainEqual(
      expect.objectContaining({ event: 'replica_ejected', node: `127.0.0.1:${PORTS[1]}`, reason: 'connection_error' }),
    );
    // Ejected: the next reads go straight to standby2.
    events.length = 0;
    expect((await serverIdentity(rw.client.$replica())).port).toBe(PORTS[2]);
    expect(events.filter((e) => e.event === 'replica_ejected')).toHaveLength(0);
  } finally {
    await env.cluster.start('standby1');
    await env.cluster.waitForStreaming();
  }
  await rw.checkNow();
  expect(rw.replicas().map((r) => r.eligible)).toEqual([true, true]);
});

test('a backend terminated mid-read ejects that standby and the read is retried elsewhere', async () => {
  // Sleeps only on standby1, so the test can catch it in flight and terminate it.
  // A Prisma call is lazy: `.then` starts it now, as awaiting it would.
  const read = rw.client.$replica().$queryRaw<
    { port: number }[]
  >`SELECT inet_server_port() AS port FROM pg_sleep(CASE WHEN inet_server_port() = ${PORTS[1]} THEN 30 ELSE 0 END)`.then(
    (rows) => rows,
  );
  await waitForStatement(admin('standby1'), '%pg_sleep%', 'the read to start on standby1');
  await terminateStatement(admin('standby1'), '%pg_sleep%');
  const rows = await read;
  expect(rows[0]!.port).toBe(PORTS[2]);
  expect(events).toContainEqual(
    expect.objectContaining({ event: 'replica_ejected', node: `127.0.0.1:${PORTS[1]}`, reason: 'connection_error' }),
  );
});

test('remote_apply: the write returns only once the synchronous standbys applied it', async () => {
  await queryOnce(admin('standby2'), 'SELECT pg_wal_replay_pause()');
  let settled = false;
  const write = withRemoteApply(rw.client, (tx) =>
    tx.testReplication.create({ data: { data: 'remote apply' } }),
  ).finally(() => {
    settled = true;
  });
  // While standby2 does not replay, the commit cannot be acknowledged (ANY 2 needs both standbys).
  await waitUntil(async () => {
    const rows = await queryOnce<{ n: number }>(
      env.primaryUrl,
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event = 'SyncRep'",
    );
    return rows[0]!.n > 0;
  }, 'the commit to wait for synchronous replication');
  expect(settled).toBe(false);
  await queryOnce(admin('standby2'), 'SELECT pg_wal_replay_resume()');
  const row = await write;
  // Both standbys show the row the moment the write returns: no waiting, no polling.
  for (const url of env.replicaUrls) {
    const found = await queryOnce(url, 'SELECT 1 FROM test_replication WHERE id = $1', [row.id]);
    expect(found).toHaveLength(1);
  }
});

test('remote_apply without a synchronous standby configured says so instead of returning early', async () => {
  await withPg(admin('primary'), async (c) => {
    await c.query("ALTER SYSTEM SET synchronous_standby_names = ''");
    await c.query('SELECT pg_reload_conf()');
  });
  try {
    await waitUntil(async () => {
      const rows = await queryOnce<{ s: string }>(
        env.primaryUrl,
        "SELECT current_setting('synchronous_standby_names') AS s",
      );
      return rows[0]!.s === '';
    }, 'the setting to reload');
    const err = await withRemoteApply(rw.client, (tx) => tx.testReplication.create({ data: { data: 'x' } })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NoSynchronousStandbyError);
    expect(String(err)).toMatch(/synchronous_standby_names is empty/);
  } finally {
    await withPg(admin('primary'), async (c) => {
      await c.query('ALTER SYSTEM RESET synchronous_standby_names');
      await c.query('SELECT pg_reload_conf()');
    });
  }
});

test('remote_apply under ANY 2 with one synchronous standby connected refuses instead of hanging', async () => {
  const connectedStandbys = async () =>
    (
      await queryOnce<{ n: number }>(
        env.primaryUrl,
        "SELECT count(*)::int AS n FROM pg_stat_replication WHERE state = 'streaming'",
      )
    )[0]!.n;
  await env.cluster.stop('standby2');
  try {
    await waitUntil(async () => (await connectedStandbys()) === 1, 'the primary to see one standby streaming');
    const err = await withRemoteApply(rw.client, (tx) => tx.testReplication.create({ data: { data: 'quorum' } })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NoSynchronousStandbyError);
    expect(String(err)).toMatch(/'ANY 2 \(.*\)' needs 2 synchronous standby\(s\) and only 1 is\/are connected/);
    expect(await queryOnce(env.primaryUrl, "SELECT 1 FROM test_replication WHERE data = 'quorum'")).toHaveLength(0);
  } finally {
    await env.cluster.start('standby2');
    await env.cluster.waitForStreaming();
  }
});

test('a write whose connection is terminated after it was sent is reported as outcome unknown, not retried', async () => {
  // Prisma's promises are lazy: catch() starts the query now.
  const write = rw.client.$executeRaw`INSERT INTO test_replication (data) SELECT 'maybe' FROM pg_sleep(30)`.catch(
    (e: unknown) => e,
  );
  await waitForStatement(admin('primary'), '%pg_sleep(30)%', 'the write to start');
  await terminateStatement(admin('primary'), '%pg_sleep(30)%');
  const err = await write;
  expect(err).toBeInstanceOf(WriteOutcomeUnknownError);
  expect(String(err)).toMatch(/may or may not have been applied/);
  expect(await queryOnce(env.primaryUrl, "SELECT 1 FROM test_replication WHERE data = 'maybe'")).toHaveLength(0);
});

test('failover: writes follow the promoted standby; a second primary is refused as split brain', async () => {
  const before = await rw.client.testReplication.create({ data: { data: 'before failover' } });
  expect(await serverIdentity(rw.client)).toEqual({ port: PORTS[0], inRecovery: false });

  await env.cluster.failover('standby1');

  // The first write after the failover hits a refused connection, discovers the new primary, and is retried there.
  const after = await rw.client.testReplication.create({ data: { data: 'after failover' } });
  expect(events).toContainEqual({
    event: 'primary_changed',
    from: `127.0.0.1:${PORTS[0]}`,
    to: `127.0.0.1:${PORTS[1]}`,
  });
  expect(rw.primaryName()).toBe(`127.0.0.1:${PORTS[1]}`);
  expect(await serverIdentity(rw.client)).toEqual({ port: PORTS[1], inRecovery: false });
  const onNewPrimary = await queryOnce<{ id: number }>(
    env.replicaUrls[0]!,
    'SELECT id FROM test_replication WHERE id = ANY($1) ORDER BY id',
    [[before.id, after.id]],
  );
  expect(onNewPrimary.map((r) => r.id)).toEqual([before.id, after.id]);

  // The promoted node is no longer a replica; standby2 streams from it and still serves reads.
  await rw.checkNow();
  expect(rw.replicas().map((r) => [r.name, r.eligible, r.reason])).toEqual([
    [`127.0.0.1:${PORTS[1]}`, false, 'not_in_recovery'],
    [`127.0.0.1:${PORTS[2]}`, true, null],
  ]);

  // The old primary comes back as a primary too: two nodes claim the role.
  await env.cluster.start('primary');
  await expect(rw.discoverPrimary()).rejects.toBeInstanceOf(SplitBrainError);
  const refused = await rw.client.testReplication.create({ data: { data: 'split brain' } }).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(SplitBrainError);
  expect(String(refused)).toMatch(/Split brain: .* all claim to be primary/);

  // A write whose own discovery finds the two (its configured primary is gone): SplitBrainError, with the
  // write's error as its cause.
  const other = await createAppRwsplit({
    primaryUrl: 'postgresql://rwsplit:x@127.0.0.1:1/rwsplit',
    replicaUrls: [env.primaryUrl, env.replicaUrls[0]!],
    connectTimeoutMs: 500,
    checkIntervalMs: [60_000, 60_000],
  });
  try {
    const err = await other.client.testReplication.create({ data: { data: 'split' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SplitBrainError);
    expect(isConnectionError((err as Error).cause)).toBe(true);
    expect(String(err)).toMatch(/Write failed on 127\.0\.0\.1:1\. Split brain: .* all claim to be primary/);
  } finally {
    await other.close();
  }

  await env.cluster.stop('primary', 'immediate');
  const healed = await rw.client.testReplication.create({ data: { data: 'healed' } });
  expect(healed.id).toBeGreaterThan(after.id);
});

test('a replica promoted while the primary still runs: a health check finds the split brain and writes are refused', async () => {
  // After the failover above, standby1 is the primary and standby2 streams from it. This cluster names its standbys
  // synchronous; standby1 must not wait for standby2 once that one is promoted too.
  await withPg(admin('standby1'), async (c) => {
    await c.query("ALTER SYSTEM SET synchronous_standby_names = ''");
    await c.query('SELECT pg_reload_conf()');
  });
  const seen: RwsplitEvent[] = [];
  const rw2 = await createAppRwsplit({
    primaryUrl: env.replicaUrls[0]!,
    replicaUrls: [env.replicaUrls[1]!],
    checkIntervalMs: [60_000, 60_000],
    connectTimeoutMs: 1000,
    onEvent: (e) => seen.push(e),
  });
  try {
    await rw2.client.testReplication.create({ data: { data: 'before the second promotion' } });
    await queryOnce(admin('standby2'), 'SELECT pg_promote()');
    await rw2.checkNow();
    expect(seen).toContainEqual({ event: 'replica_is_primary', node: `127.0.0.1:${PORTS[2]}` });
    // No write failed and nobody called discoverPrimary(): the check started discovery, which found two primaries.
    await waitUntil(async () => {
      const err = await rw2.client.testReplication.create({ data: { data: 'split?' } }).catch((e: unknown) => e);
      return err instanceof SplitBrainError;
    }, 'writes to be refused as split brain');
    expect(seen.filter((e) => e.event === 'primary_changed')).toEqual([]);
  } finally {
    await rw2.close();
  }
});
