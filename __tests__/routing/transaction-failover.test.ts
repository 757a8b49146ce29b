// Faults on a private cluster that the shared one must not see: a standby whose processes hang (SIGSTOP), both
// standbys down at once, and promotions that hit transactions (a connection lost inside one, a refused start).
// Where reads and writes landed is asserted by the servers' own answers.
import { isConnectionError } from 'rwsplit';
import { queryOnce } from '../../src/db/pg-client';
import { postmasterPid } from '../../src/cluster/postmaster-pid';
import type { RwsplitEvent } from 'rwsplit';
import { createAppRwsplit, type AppRwsplit, type AppRwsplitOptions } from '../../src/db/app-rwsplit';
import { NoReplicaAvailableError } from 'rwsplit';
import { WriteOutcomeUnknownError } from 'rwsplit';
import { freePorts } from '../demo/free-ports';
import { serverIdentity } from '../helpers/server-port';
import { throwawayCluster, type Throwaway } from '../helpers/throwaway-cluster';
import { waitUntil } from '../helpers/wait-until';
import { waitForStatement } from '../helpers/backends';

// Below Linux's ephemeral range (32768–60999), apart from faults.test.ts's 25430–25432.
const CANDIDATE_PORTS = [25440, 25441, 25442, 25443, 25444, 25445, 25446, 25447, 25448, 25449];
let ports: number[];
let env: Throwaway;
const opened: AppRwsplit[] = [];
const events: RwsplitEvent[] = [];

/** Always the first eligible replica, so a test knows which one a read goes to. */
const firstEligible = <T>(eligible: readonly T[]) => eligible[0]!;

async function open(extra: Partial<AppRwsplitOptions> = {}): Promise<AppRwsplit> {
  const rw = await createAppRwsplit({
    primaryUrl: env.primaryUrl,
    replicaUrls: env.replicaUrls,
    strategy: firstEligible,
    checkIntervalMs: [60_000, 60_000],
    connectTimeoutMs: 1000,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  opened.push(rw);
  return rw;
}

const node = (i: number) => `127.0.0.1:${ports[i]}`;
const admin = (name: string) => env.cluster.adminTarget(env.cluster.node(name));

beforeAll(async () => {
  ports = await freePorts(3, CANDIDATE_PORTS);
  env = await throwawayCluster('routing-tx-failover', ports);
}, 120_000);
afterAll(async () => {
  await Promise.all(opened.map((rw) => rw.close()));
  await env?.destroy();
});
beforeEach(() => {
  events.length = 0;
});

test('a standby that hangs after accepting connections (SIGSTOP) is marked unreachable by a timed-out check', async () => {
  const rw = await open();
  expect(rw.replicas().map((r) => r.eligible)).toEqual([true, true]);
  // Its server processes: the postmaster (new connections) and the backends serving the router's open connections.
  const backends = await queryOnce<{ pid: number }>(
    admin('standby1'),
    "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
  );
  const postmaster = await postmasterPid(env.cluster.node('standby1').dataDir);
  const frozen = [postmaster!, ...backends.map((b) => b.pid)];
  expect(frozen.length).toBeGreaterThan(1);
  for (const pid of frozen) process.kill(pid, 'SIGSTOP');
  try {
    // Without a query timeout this check never returns (and the host stays eligible forever). The deadline only
    // keeps a regression from leaving the standby frozen: the finally below must run.
    await Promise.race([
      rw.checkNow(),
      new Promise((_, reject) => {
        setTimeout(
          () => reject(new Error('checkNow never returned: health checks have no query timeout')),
          15_000,
        ).unref();
      }),
    ]);
    expect(rw.replicas()[0]).toEqual(
      expect.objectContaining({ reachable: false, eligible: false, reason: 'unreachable' }),
    );
    expect(rw.replicas()[1]!.eligible).toBe(true);
    expect(events).toContainEqual(
      expect.objectContaining({ event: 'replica_ejected', node: node(1), reason: 'unreachable' }),
    );
    for (let i = 0; i < 2; i++)
      expect(await serverIdentity(rw.client.$replica())).toEqual({ port: ports[2], inRecovery: true });
  } finally {
    for (const pid of frozen) process.kill(pid, 'SIGCONT');
  }
  await waitUntil(async () => {
    await rw.checkNow();
    return rw.replicas()[0]!.eligible;
  }, 'standby1 to be re-admitted after SIGCONT');
});

test('both standbys down: the read is retried once, both are ejected, and the primary answers it', async () => {
  const rw = await open();
  const strict = await open({ fallbackToPrimary: false });
  await Promise.all(['standby1', 'standby2'].map((n) => env.cluster.stop(n)));
  try {
    // No check has run since: both are still believed eligible. The first try and its retry fail; the primary
    // serves the same read.
    expect(await serverIdentity(rw.client.$replica())).toEqual({ port: ports[0], inRecovery: false });
    // Either replica may be tried first (ties go at random); each is tried once, then the primary.
    const attempts = events.flatMap((e) => (e.event === 'query' ? [[e.node, e.ok] as const] : []));
    const [first, second] = attempts.map(([n]) => n);
    expect([first, second].sort()).toEqual([node(1), node(2)].sort());
    expect(attempts).toEqual([
      [first, false],
      [second, false],
      [node(0), true],
    ]);
    const ejected = events.flatMap((e) => (e.event === 'replica_ejected' ? [[e.node, e.reason]] : []));
    expect(ejected).toEqual([
      [first, 'connection_error'],
      [second, 'connection_error'],
    ]);
    // The next read: no replica is left, so the primary serves it.
    expect(await serverIdentity(rw.client.$replica())).toEqual({ port: ports[0], inRecovery: false });
    expect(events).toContainEqual({ event: 'primary_fallback_read', reason: 'no_eligible_replica' });

    // With fallbackToPrimary off: the same single retry, then a clear error naming why each replica is out.
    events.length = 0;
    expect(isConnectionError(await serverIdentity(strict.client.$replica()).catch((e: unknown) => e))).toBe(true);
    expect(events.filter((e) => e.event === 'query')).toHaveLength(2);
    const refused = await strict.client.testReplication.count().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NoReplicaAvailableError);
    expect(String(refused)).toContain(`${node(1)}: connection_error, ${node(2)}: connection_error`);
  } finally {
    await Promise.all(['standby1', 'standby2'].map((n) => env.cluster.start(n)));
    await env.cluster.waitForStreaming();
  }
});

test('a read-your-writes read whose caught-up query cannot reach a standby ejects it and is served elsewhere', async () => {
  const rw = await open();
  await rw.session(async () => {
    const row = await rw.client.testReplication.create({ data: { data: 'ryw, standby1 stopping' } });
    // The last check predates the write, so the read must ask each standby whether it has replayed it.
    await env.cluster.stop('standby1');
    try {
      const rows = await rw.client.$replica().$queryRaw<{ port: number; present: boolean }[]>`
        SELECT inet_server_port() AS port, EXISTS (SELECT 1 FROM test_replication WHERE id = ${row.id}) AS present`;
      expect(rows[0]!.port).not.toBe(ports[1]);
      expect(rows[0]!.present).toBe(true);
      expect(events).toContainEqual(
        expect.objectContaining({ event: 'replica_ejected', node: node(1), reason: 'connection_error' }),
      );
      expect(rw.replicas()[0]!.reason).toBe('connection_error');
    } finally {
      await env.cluster.start('standby1');
      await env.cluster.waitForStreaming();
    }
  });
});

/** The client of the promotion tests (the second one continues from the first's state). */
let promoted: AppRwsplit;

test('a connection lost inside a transaction during a promotion: outcome unknown, not retried, next transaction on the new primary', async () => {
  const rw = (promoted = await open());
  let runs = 0;
  // Prisma's promises are lazy: catch() starts the transaction now.
  const inFlight = rw.client
    .$transaction(
      async (tx) => {
        runs++;
        await tx.$executeRaw`INSERT INTO test_replication (data) SELECT 'lost in tx' FROM pg_sleep(30)`;
      },
      { timeout: 120_000 },
    )
    .catch((e: unknown) => e);
  await waitForStatement(admin('primary'), '%lost in tx%', 'the transaction statement to run on the primary');
  // standby1 becomes primary first, then the old primary dies under the open transaction.
  await queryOnce(admin('standby1'), 'SELECT pg_promote()');
  await env.cluster.stop('primary', 'immediate');

  const err = await inFlight;
  expect(err).toBeInstanceOf(WriteOutcomeUnknownError);
  expect(String(err)).toMatch(new RegExp(`may or may not have committed\\. Writes now go to ${node(1)}`));
  expect(runs).toBe(1);
  expect(events).toContainEqual({ event: 'primary_changed', from: node(0), to: node(1) });

  // The next transaction reaches the promoted node.
  expect(await rw.client.$transaction((tx) => serverIdentity(tx))).toEqual({ port: ports[1], inRecovery: false });
  expect(await queryOnce(env.replicaUrls[0]!, "SELECT 1 FROM test_replication WHERE data = 'lost in tx'")).toHaveLength(
    0,
  );
});

test('a transaction refused at its start after a promotion: discovery, then run once on the new primary', async () => {
  const rw = promoted;
  expect(rw.primaryName()).toBe(node(1));
  await queryOnce(admin('standby2'), 'SELECT pg_promote()');
  await env.cluster.stop('standby1', 'immediate');

  let runs = 0;
  // Through $primary(), which hands out the client below the routed one: its transactions follow failover too.
  const where = await rw.client.$primary().$transaction(async (tx) => {
    runs++;
    await tx.testReplication.create({ data: { data: 'after second promotion' } });
    return serverIdentity(tx);
  });
  expect(where).toEqual({ port: ports[2], inRecovery: false });
  expect(runs).toBe(1);
  expect(events).toContainEqual({ event: 'primary_changed', from: node(1), to: node(2) });
  expect(await rw.client.$transaction((tx) => serverIdentity(tx))).toEqual({ port: ports[2], inRecovery: false });
});
