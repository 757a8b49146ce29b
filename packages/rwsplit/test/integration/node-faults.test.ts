// Faults injected for real on a private cluster (from the cluster kit): a stopped standby, a terminated backend,
// remote_apply with a paused standby, and a failover with promotion (then a split brain).
import {
  createRwsplit,
  isConnectionError,
  NoSynchronousStandbyError,
  type Rwsplit,
  type RwsplitEvent,
  SplitBrainError,
  withRemoteApply,
  WriteOutcomeUnknownError,
} from '../../src';
import { PrismaClient } from '../fixture/generated/client';
import { terminateStatement, waitForStatement } from '../helpers/backends';
import type { ThrowawayCluster } from '../helpers/cluster-kit';
import { PREDICTABLE, routedClient } from '../helpers/routed-client';
import { uniqueEmail } from '../helpers/fixture-schema';
import { serverIdentity } from '../helpers/server-identity';
import { adminQuery } from '../helpers/test-cluster';
import { throwawayCluster } from '../helpers/throwaway-cluster';
import { waitUntil } from '../helpers/wait-until';

// Below Linux's ephemeral range (32768–60999), so an outgoing connection never holds one of them.
const PORTS = [25430, 25431, 25432];
const node = (i: number) => `127.0.0.1:${PORTS[i]}`;
let env: ThrowawayCluster;
let rw: Rwsplit<PrismaClient>;
const events: RwsplitEvent[] = [];

const newUser = (client: Rwsplit<PrismaClient>['client'], name: string) =>
  client.user.create({ data: { email: uniqueEmail('faults'), name } });
/** Users called `name` on node `index`, asked as superuser (not through the router under test). */
const usersNamed = (index: number, name: string) =>
  adminQuery(env, index, 'SELECT 1 FROM rwtest_user WHERE name = $1', [name]);

/** Node `index` names no synchronous standby (`clear`), or the one its configuration file names (`reset`). */
async function syncStandbys(index: number, how: 'clear' | 'reset'): Promise<void> {
  const sql = {
    clear: "ALTER SYSTEM SET synchronous_standby_names = ''",
    reset: 'ALTER SYSTEM RESET synchronous_standby_names',
  };
  await adminQuery(env, index, sql[how]);
  await adminQuery(env, index, 'SELECT pg_reload_conf()');
}

beforeAll(async () => {
  env = await throwawayCluster('faults', { ports: PORTS, syncStandbys: 2 });
}, 120_000);
afterAll(async () => {
  await rw?.close();
  await env?.destroy();
});
beforeEach(async () => {
  events.length = 0;
  await rw?.close();
  rw = await routedClient(env, { ...PREDICTABLE, onEvent: (e) => events.push(e) });
});

test('a stopped standby: the read that hits it ejects it and is retried on the other standby', async () => {
  expect(rw.replicas().map((r) => r.eligible)).toEqual([true, true]);
  await env.stop(1);
  try {
    // No health check has run since: the router still believes standby1 is fine, and tries it first.
    const id = await serverIdentity(rw.client.$replica());
    expect(id).toEqual({ port: PORTS[2], inRecovery: true });
    expect(events).toContainEqual(
      expect.objectContaining({ event: 'replica_ejected', node: node(1), reason: 'connection_error' }),
    );
    // Ejected: the next reads go straight to standby2.
    events.length = 0;
    expect((await serverIdentity(rw.client.$replica())).port).toBe(PORTS[2]);
    expect(events.filter((e) => e.event === 'replica_ejected')).toHaveLength(0);
  } finally {
    await env.start(1);
    await env.waitForStreaming();
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
  await waitForStatement(env, 1, '%pg_sleep%', 'the read to start on standby1');
  await terminateStatement(env, 1, '%pg_sleep%');
  const rows = await read;
  expect(rows[0]!.port).toBe(PORTS[2]);
  expect(events).toContainEqual(
    expect.objectContaining({ event: 'replica_ejected', node: node(1), reason: 'connection_error' }),
  );
});

test('remote_apply: the write returns only once the synchronous standbys applied it', async () => {
  await adminQuery(env, 2, 'SELECT pg_wal_replay_pause()');
  let settled = false;
  const write = withRemoteApply(rw.client, (tx) =>
    tx.user.create({ data: { email: uniqueEmail('faults'), name: 'remote apply' } }),
  ).finally(() => {
    settled = true;
  });
  // While standby2 does not replay, the commit cannot be acknowledged (ANY 2 needs both standbys).
  await waitUntil(async () => {
    const rows = await adminQuery<{ n: number }>(
      env,
      0,
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event = 'SyncRep'",
    );
    return rows[0]!.n > 0;
  }, 'the commit to wait for synchronous replication');
  expect(settled).toBe(false);
  await adminQuery(env, 2, 'SELECT pg_wal_replay_resume()');
  const user = await write;
  // Both standbys show the row the moment the write returns: no waiting, no polling.
  for (const i of [1, 2]) {
    expect(await adminQuery(env, i, 'SELECT 1 FROM rwtest_user WHERE id = $1', [user.id])).toHaveLength(1);
  }
});

test('remote_apply without a synchronous standby configured says so instead of returning early', async () => {
  await syncStandbys(0, 'clear');
  try {
    await waitUntil(async () => {
      const rows = await adminQuery<{ s: string }>(env, 0, "SELECT current_setting('synchronous_standby_names') AS s");
      return rows[0]!.s === '';
    }, 'the setting to reload');
    const err = await withRemoteApply(rw.client, (tx) =>
      tx.user.create({ data: { email: uniqueEmail('faults'), name: 'x' } }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoSynchronousStandbyError);
    expect(String(err)).toMatch(/synchronous_standby_names is empty/);
  } finally {
    await syncStandbys(0, 'reset');
  }
});

test('remote_apply under ANY 2 with one synchronous standby connected refuses instead of hanging', async () => {
  const connectedStandbys = async () =>
    (
      await adminQuery<{ n: number }>(
        env,
        0,
        "SELECT count(*)::int AS n FROM pg_stat_replication WHERE state = 'streaming'",
      )
    )[0]!.n;
  await env.stop(2);
  try {
    await waitUntil(async () => (await connectedStandbys()) === 1, 'the primary to see one standby streaming');
    const err = await withRemoteApply(rw.client, (tx) =>
      tx.user.create({ data: { email: uniqueEmail('faults'), name: 'quorum' } }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoSynchronousStandbyError);
    expect(String(err)).toMatch(/'ANY 2 \(.*\)' needs 2 synchronous standby\(s\) and only 1 is\/are connected/);
    expect(await usersNamed(0, 'quorum')).toHaveLength(0);
  } finally {
    await env.start(2);
    await env.waitForStreaming();
  }
});

test('a write whose connection is terminated after it was sent is reported as outcome unknown, not retried', async () => {
  // Prisma's promises are lazy: catch() starts the query now.
  const write = rw.client.$executeRaw`
    INSERT INTO rwtest_user (email, name) SELECT ${uniqueEmail('maybe')}, 'maybe' FROM pg_sleep(30)`.catch(
    (e: unknown) => e,
  );
  await waitForStatement(env, 0, '%pg_sleep(30)%', 'the write to start');
  await terminateStatement(env, 0, '%pg_sleep(30)%');
  const err = await write;
  expect(err).toBeInstanceOf(WriteOutcomeUnknownError);
  expect(String(err)).toMatch(/may or may not have been applied/);
  expect(await usersNamed(0, 'maybe')).toHaveLength(0);
});

test('failover: writes follow the promoted standby; a second primary is refused as split brain', async () => {
  const before = await newUser(rw.client, 'before failover');
  expect(await serverIdentity(rw.client)).toEqual({ port: PORTS[0], inRecovery: false });

  await env.failover(1);

  // The first write after the failover hits a refused connection, discovers the new primary, and is retried there.
  const after = await newUser(rw.client, 'after failover');
  expect(events).toContainEqual({ event: 'primary_changed', from: node(0), to: node(1) });
  expect(rw.primaryName()).toBe(node(1));
  expect(await serverIdentity(rw.client)).toEqual({ port: PORTS[1], inRecovery: false });
  const onNewPrimary = await adminQuery<{ id: number }>(
    env,
    1,
    'SELECT id FROM rwtest_user WHERE id = ANY($1) ORDER BY id',
    [[before.id, after.id]],
  );
  expect(onNewPrimary.map((r) => r.id)).toEqual([before.id, after.id]);

  // The promoted node is no longer a replica; standby2 streams from it and still serves reads.
  await rw.checkNow();
  expect(rw.replicas().map((r) => [r.name, r.eligible, r.reason])).toEqual([
    [node(1), false, 'not_in_recovery'],
    [node(2), true, null],
  ]);

  // The old primary comes back as a primary too: two nodes claim the role.
  await env.start(0);
  await expect(rw.discoverPrimary()).rejects.toBeInstanceOf(SplitBrainError);
  const refused = await newUser(rw.client, 'split brain').catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(SplitBrainError);
  expect(String(refused)).toMatch(/Split brain: .* all claim to be primary/);

  // A write whose own discovery finds the two (its configured primary is gone): SplitBrainError, with the
  // write's error as its cause.
  const other = await createRwsplit({
    PrismaClient,
    primaryUrl: 'postgresql://rwsplit:x@127.0.0.1:1/rwsplit',
    replicaUrls: [env.primaryUrl, env.replicaUrls[0]!],
    connectTimeoutMs: 500,
    checkIntervalMs: [60_000, 60_000],
  });
  try {
    const err = await newUser(other.client, 'split').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SplitBrainError);
    expect(isConnectionError((err as Error).cause)).toBe(true);
    expect(String(err)).toMatch(/Write failed on 127\.0\.0\.1:1\. Split brain: .* all claim to be primary/);
  } finally {
    await other.close();
  }

  await env.kill(0);
  const healed = await newUser(rw.client, 'healed');
  expect(healed.id).toBeGreaterThan(after.id);
});

test('a replica promoted while the primary still runs: a health check finds the split brain and writes are refused', async () => {
  // After the failover above, standby1 is the primary and standby2 streams from it. This cluster names its standbys
  // synchronous; standby1 must not wait for standby2 once that one is promoted too.
  await syncStandbys(1, 'clear');
  const seen: RwsplitEvent[] = [];
  const rw2 = await createRwsplit({
    PrismaClient,
    primaryUrl: env.replicaUrls[0]!,
    replicaUrls: [env.replicaUrls[1]!],
    checkIntervalMs: [60_000, 60_000],
    connectTimeoutMs: 1000,
    onEvent: (e) => seen.push(e),
  });
  try {
    await newUser(rw2.client, 'before the second promotion');
    await env.promote(2);
    await rw2.checkNow();
    expect(seen).toContainEqual({ event: 'replica_is_primary', node: node(2) });
    // No write failed and nobody called discoverPrimary(): the check started discovery, which found two primaries.
    await waitUntil(async () => {
      const err = await newUser(rw2.client, 'split?').catch((e: unknown) => e);
      return err instanceof SplitBrainError;
    }, 'writes to be refused as split brain');
    expect(seen.filter((e) => e.event === 'primary_changed')).toEqual([]);
  } finally {
    await rw2.close();
  }
});
