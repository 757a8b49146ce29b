// Misconfigured and dead nodes on the shared cluster: bad options refused, a replica URL that is the primary (under
// its own name or another), every replica down with and without fallbackToPrimary, a dead primary, and one primary
// named twice. Where a read or write landed is the server's own answer.
import {
  createRwsplit,
  isConnectionError,
  NoPrimaryError,
  NoReplicaAvailableError,
  type RwsplitEvent,
  type RwsplitOptions,
} from '../../src';
import { PrismaClient } from '../fixture/generated/client';
import { ensureFixtureSchema, uniqueEmail } from '../helpers/fixture-schema';
import { serverIdentity } from '../helpers/server-identity';
import { adminQuery, portOf, testCluster, waitForReplicas } from '../helpers/test-cluster';

const cluster = testCluster();
const primaryPort = portOf(cluster.primaryUrl);
/** Nothing listens on port 1: connections are refused at once. */
const DEAD = 'postgresql://rwsplit:x@127.0.0.1:1/rwsplit';

/** createRwsplit on the shared cluster, with `extra` on top. */
const open = (extra: Partial<RwsplitOptions<typeof PrismaClient>>) =>
  createRwsplit({ PrismaClient, primaryUrl: cluster.primaryUrl, replicaUrls: cluster.replicaUrls, ...extra });

beforeAll(() => ensureFixtureSchema(cluster));

test.each([
  [{ maxLagMs: -1 }, /maxLagMs must be ≥ 0/],
  [{ maxLagBytes: -5 }, /maxLagBytes must be ≥ 0/],
  [{ consistency: 'strong' as never }, /consistency: must be one of eventual, read-your-writes, primary/],
  [{ checkIntervalMs: [500, 100] as const }, /checkIntervalMs must be \[min, max\]/],
])('%j is refused', async (extra, message) => {
  await expect(open(extra)).rejects.toThrow(message);
});

test('a replica URL that is the primary itself is refused', async () => {
  await expect(open({ replicaUrls: [cluster.replicaUrls[0]!, cluster.primaryUrl] })).rejects.toThrow(
    /replicaUrls\[1\] .* is the primary itself/,
  );
});

test('a replica URL that reaches the primary under another name is warned about once and never eligible', async () => {
  const viaLocalhost = cluster.primaryUrl.replace('127.0.0.1', 'localhost');
  const events: RwsplitEvent[] = [];
  const rw = await open({
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
  const rw = await open({ replicaUrls: [DEAD], fallbackToPrimary: false, connectTimeoutMs: 500 });
  try {
    expect(rw.replicas()[0]).toEqual(expect.objectContaining({ eligible: false, reason: 'unreachable' }));
    const err = await rw.client.user.count().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoReplicaAvailableError);
    expect(String(err)).toMatch(/127\.0\.0\.1:1: unreachable.*fallbackToPrimary is off/);
  } finally {
    await rw.close();
  }
});

test('a dead primary: reads keep working on the replicas, writes wait failoverWaitMs, then fail saying no primary was found', async () => {
  // A row the replicas hold, so that a count served there is not 0.
  await adminQuery(cluster, 0, 'INSERT INTO rwtest_user (email, name) VALUES ($1, $2)', [uniqueEmail('seen'), 'seen']);
  await waitForReplicas(cluster);
  const rw = await open({ primaryUrl: DEAD, connectTimeoutMs: 500, failoverWaitMs: 300 });
  try {
    // With the primary unknown, byte lag is measured against what each replica received, so idle replicas qualify.
    expect(rw.replicas().map((r) => r.eligible)).toEqual([true, true]);
    expect((await serverIdentity(rw.client.$replica())).inRecovery).toBe(true);
    await expect(rw.client.user.count()).resolves.toBeGreaterThan(0);
    const err = await rw.client.user
      .create({ data: { email: uniqueEmail('nowhere'), name: 'nowhere' } })
      .catch((e: unknown) => e);
    // The discovery's own class, with the write's error as its cause.
    expect(err).toBeInstanceOf(NoPrimaryError);
    expect(isConnectionError((err as Error).cause)).toBe(true);
    expect(String(err)).toMatch(/waited failoverWaitMs = 300 ms for a primary; none was found/);
    expect(String(err)).toMatch(/Write failed on 127\.0\.0\.1:1 and no primary could be found/);
    expect(String(err)).toMatch(/every node is down or in recovery/);
  } finally {
    await rw.close();
  }
});

test('one primary reached under two names is one primary, not split brain: the write follows it', async () => {
  // The configured primary is unreachable; the real primary is configured twice, as 127.0.0.1 and as localhost.
  const events: RwsplitEvent[] = [];
  const rw = await open({
    primaryUrl: DEAD,
    replicaUrls: [cluster.primaryUrl, cluster.primaryUrl.replace('127.0.0.1', 'localhost')],
    connectTimeoutMs: 500,
    onEvent: (e) => events.push(e),
  });
  try {
    const user = await rw.client.user.create({ data: { email: uniqueEmail('two-names'), name: 'two names' } });
    expect(events).toContainEqual({ event: 'primary_changed', from: '127.0.0.1:1', to: `127.0.0.1:${primaryPort}` });
    expect(await serverIdentity(rw.client)).toEqual({ port: primaryPort, inRecovery: false });
    expect(await adminQuery(cluster, 0, 'SELECT 1 FROM rwtest_user WHERE id = $1', [user.id])).toHaveLength(1);
  } finally {
    await rw.close();
  }
});

test('fallbackToPrimary on (default): with every replica down, reads go to the primary', async () => {
  const events: RwsplitEvent[] = [];
  const rw = await open({ replicaUrls: [DEAD], connectTimeoutMs: 500, onEvent: (e) => events.push(e) });
  try {
    expect(await serverIdentity(rw.client.$replica())).toEqual({ port: primaryPort, inRecovery: false });
    expect(events).toContainEqual({ event: 'primary_fallback_read', reason: 'no_eligible_replica' });
  } finally {
    await rw.close();
  }
});

test('a replica out of rotation says why in words, with no password in them', async () => {
  // The second replica's URL carries a wrong password; the server refuses it.
  const wrong = new URL(cluster.replicaUrls[1]!);
  wrong.password = 'not-the-password-xyzzy';
  const events: RwsplitEvent[] = [];
  const rw = await open({ replicaUrls: [cluster.replicaUrls[0]!, wrong.toString()], onEvent: (e) => events.push(e) });
  try {
    const [good, bad] = rw.replicas();
    expect(good).toMatchObject({ eligible: true, detail: null });
    expect(bad).toMatchObject({ eligible: false, reason: 'unreachable' });
    expect(bad!.detail).toMatch(/password authentication failed for user "rwsplit"/);
    expect(JSON.stringify([rw.replicas(), events])).not.toContain('xyzzy');
  } finally {
    await rw.close();
  }
});

test('primaryPoolSize and replicaPoolSize bound the server connections of each role', async () => {
  await waitForReplicas(cluster);
  const rw = await open({ primaryPoolSize: 2, replicaPoolSize: 1 });
  try {
    type Backend = { port: number; pid: number };
    const backend = (client: Pick<typeof rw.client, '$queryRaw'>) =>
      client.$queryRaw<
        Backend[]
      >`SELECT pg_sleep(0.05)::text AS slept, inet_server_port() AS port, pg_backend_pid() AS pid`;
    const reads = await Promise.all(Array.from({ length: 12 }, () => backend(rw.client.$replica())));
    const writes = await Promise.all(Array.from({ length: 12 }, () => backend(rw.client)));
    const pidsPerPort = (rows: Backend[][]) => {
      const seen = new Map<number, Set<number>>();
      for (const [row] of rows) seen.set(row!.port, (seen.get(row!.port) ?? new Set()).add(row!.pid));
      return [...seen].map(([port, pids]) => [port, pids.size]).sort();
    };
    // Each replica served its share of the reads over one connection; the primary used at most two.
    expect(pidsPerPort(reads)).toEqual(cluster.replicaUrls.map((u) => [portOf(u), 1]).sort());
    const [[port, connections]] = pidsPerPort(writes) as [[number, number]];
    expect(port).toBe(primaryPort);
    expect(connections).toBeLessThanOrEqual(2);
  } finally {
    await rw.close();
  }
});
