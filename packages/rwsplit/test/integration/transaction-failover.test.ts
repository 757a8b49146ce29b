// Faults on a private cluster that the shared one must not see: a standby whose processes hang (SIGSTOP), both
// standbys down at once, and promotions that hit transactions (a connection lost inside one, a refused start).
// Where reads and writes landed is asserted by the servers' own answers.
import {
  isConnectionError,
  NoReplicaAvailableError,
  type Rwsplit,
  type RwsplitOptions,
  WriteOutcomeUnknownError,
} from '../../src';
import { PrismaClient } from '../fixture/generated/client';
import { waitForStatement } from '../helpers/backends';
import { privateClusterSuite } from '../helpers/private-cluster-suite';
import { PREDICTABLE, routedClient } from '../helpers/routed-client';
import { uniqueEmail } from '../helpers/fixture-schema';
import { serverIdentity } from '../helpers/server-identity';
import { waitUntil } from '../helpers/wait-until';

// Below Linux's ephemeral range (32768–60999), apart from node-faults.test.ts's 25430–25432.
const CANDIDATE_PORTS = [25440, 25441, 25442, 25443, 25444, 25445, 25446, 25447, 25448, 25449];
const suite = privateClusterSuite('routing-tx-failover', CANDIDATE_PORTS);
const { events, node, usersNamed } = suite;

async function open(extra: Partial<RwsplitOptions<typeof PrismaClient>> = {}): Promise<Rwsplit<PrismaClient>> {
  return suite.track(await routedClient(suite.env, { ...PREDICTABLE, onEvent: (e) => events.push(e), ...extra }));
}

test('a standby that hangs after accepting connections (SIGSTOP) is marked unreachable by a timed-out check', async () => {
  const rw = await open();
  expect(rw.replicas().map((r) => r.eligible)).toEqual([true, true]);
  // Its server processes: the postmaster (new connections) and the backends serving the router's open connections.
  const frozen = await suite.env.freeze(1);
  try {
    expect(frozen.length).toBeGreaterThan(1);
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
      expect(await serverIdentity(rw.client.$replica())).toEqual({ port: suite.ports[2], inRecovery: true });
  } finally {
    await suite.env.thaw(1);
  }
  await waitUntil(async () => {
    await rw.checkNow();
    return rw.replicas()[0]!.eligible;
  }, 'standby1 to be re-admitted after SIGCONT');
});

test('both standbys down: the read is retried once, both are ejected, and the primary answers it', async () => {
  const rw = await open();
  const strict = await open({ fallbackToPrimary: false });
  await Promise.all([1, 2].map((i) => suite.env.stop(i)));
  try {
    // No check has run since: both are still believed eligible. The first try and its retry fail; the primary
    // serves the same read.
    expect(await serverIdentity(rw.client.$replica())).toEqual({ port: suite.ports[0], inRecovery: false });
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
    expect(await serverIdentity(rw.client.$replica())).toEqual({ port: suite.ports[0], inRecovery: false });
    expect(events).toContainEqual({ event: 'primary_fallback_read', reason: 'no_eligible_replica' });

    // With fallbackToPrimary off: the same single retry, then a clear error naming why each replica is out.
    events.length = 0;
    expect(isConnectionError(await serverIdentity(strict.client.$replica()).catch((e: unknown) => e))).toBe(true);
    expect(events.filter((e) => e.event === 'query')).toHaveLength(2);
    const refused = await strict.client.user.count().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NoReplicaAvailableError);
    expect(String(refused)).toContain(`${node(1)}: connection_error, ${node(2)}: connection_error`);
  } finally {
    await Promise.all([1, 2].map((i) => suite.env.start(i)));
    await suite.env.waitForStreaming();
  }
});

test('a read-your-writes read whose caught-up query cannot reach a standby ejects it and is served elsewhere', async () => {
  const rw = await open();
  await rw.session(async () => {
    const user = await rw.client.user.create({ data: { email: uniqueEmail('ryw-stopping'), name: 'ryw' } });
    // The last check predates the write, so the read must ask each standby whether it has replayed it.
    await suite.env.stop(1);
    try {
      const rows = await rw.client.$replica().$queryRaw<{ port: number; present: boolean }[]>`
        SELECT inet_server_port() AS port, EXISTS (SELECT 1 FROM rwtest_user WHERE id = ${user.id}) AS present`;
      expect(rows[0]!.port).not.toBe(suite.ports[1]);
      expect(rows[0]!.present).toBe(true);
      expect(events).toContainEqual(
        expect.objectContaining({ event: 'replica_ejected', node: node(1), reason: 'connection_error' }),
      );
      expect(rw.replicas()[0]!.reason).toBe('connection_error');
    } finally {
      await suite.env.start(1);
      await suite.env.waitForStreaming();
    }
  });
});

/** The client of the promotion tests (the second one continues from the first's state). */
let promoted: Rwsplit<PrismaClient>;

test('a connection lost inside a transaction during a promotion: outcome unknown, not retried, next transaction on the new primary', async () => {
  const rw = (promoted = await open());
  let runs = 0;
  // Prisma's promises are lazy: catch() starts the transaction now.
  const inFlight = rw.client
    .$transaction(
      async (tx) => {
        runs++;
        await tx.$executeRaw`
          INSERT INTO rwtest_user (email, name) SELECT ${uniqueEmail('lost')}, 'lost in tx' FROM pg_sleep(30)`;
      },
      { timeout: 120_000 },
    )
    .catch((e: unknown) => e);
  await waitForStatement(suite.env, 0, '%lost in tx%', 'the transaction statement to run on the primary');
  // standby1 becomes primary first, then the old primary dies under the open transaction.
  await suite.env.promote(1);
  await suite.env.kill(0);

  const err = await inFlight;
  expect(err).toBeInstanceOf(WriteOutcomeUnknownError);
  expect(String(err)).toMatch(new RegExp(`may or may not have committed\\. Writes now go to ${node(1)}`));
  expect(runs).toBe(1);
  expect(events).toContainEqual({ event: 'primary_changed', from: node(0), to: node(1) });

  // The next transaction reaches the promoted node.
  expect(await rw.client.$transaction((tx) => serverIdentity(tx))).toEqual({ port: suite.ports[1], inRecovery: false });
  expect(await usersNamed(1, 'lost in tx')).toHaveLength(0);
});

test('a transaction refused at its start after a promotion: discovery, then run once on the new primary', async () => {
  const rw = promoted;
  expect(rw.primaryName()).toBe(node(1));
  await suite.env.promote(2);
  await suite.env.kill(1);

  let runs = 0;
  // Through $primary(), which hands out the client below the routed one: its transactions follow failover too.
  const where = await rw.client.$primary().$transaction(async (tx) => {
    runs++;
    await tx.user.create({ data: { email: uniqueEmail('second-promotion'), name: 'after second promotion' } });
    return serverIdentity(tx);
  });
  expect(where).toEqual({ port: suite.ports[2], inRecovery: false });
  expect(runs).toBe(1);
  expect(events).toContainEqual({ event: 'primary_changed', from: node(1), to: node(2) });
  expect(await rw.client.$transaction((tx) => serverIdentity(tx))).toEqual({ port: suite.ports[2], inRecovery: false });
});
