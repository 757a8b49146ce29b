// Replica health without a router, where nothing answers (no cluster needed): checkReplicaHealth reports a replica
// that refuses as unreachable (never throws), createHealthChecker checks and reports it with the router's events,
// and short-lived connections name their target without its password. The real cluster is in
// test/integration/replica-health.test.ts.
import {
  checkReplicaHealth,
  ConfigError,
  createHealthChecker,
  describeTarget,
  ineligibility,
  queryOnce,
  type RwsplitEvent,
} from '../../src';

// Port 1 on loopback: nothing listens, so every connection is refused at once.
const NOWHERE = 'postgresql://rwsplit:secret@127.0.0.1:1/rwsplit';

test('checkReplicaHealth: a replica that refuses is unreachable, with the reason and no password', async () => {
  const health = await checkReplicaHealth(NOWHERE, { connectTimeoutMs: 500, now: 42 });
  expect(health).toMatchObject({ reachable: false, inRecovery: false, lagMs: null, lagBytes: null, checkedAt: 42 });
  expect(health.error).toMatch(/ECONNREFUSED/);
  expect(health.error).not.toContain('secret');
  expect(ineligibility(health, { maxLagMs: 1000, maxLagBytes: 1 })).toBe('unreachable');
});

test('createHealthChecker: the first round reports the replica with the router events; close ends it', async () => {
  const events: RwsplitEvent[] = [];
  const health = createHealthChecker({
    primaryUrl: NOWHERE,
    replicaUrls: [NOWHERE.replace(':1/', ':2/')],
    connectTimeoutMs: 500,
    checkIntervalMs: [60_000, 60_000],
    onEvent: (e) => events.push(e),
  });
  try {
    await health.start();
    expect(events).toEqual([
      expect.objectContaining({ event: 'replica_checked', node: '127.0.0.1:2', reachable: false, eligible: false }),
    ]);
    expect(health.replicas()).toEqual([
      expect.objectContaining({ name: '127.0.0.1:2', eligible: false, reason: 'unreachable', reachable: false }),
    ]);
    await health.checkNow();
    expect(events).toHaveLength(2);
  } finally {
    await health.close();
  }
});

test('createHealthChecker refuses bad options with a ConfigError naming them', () => {
  expect(() => createHealthChecker({ primaryUrl: 'mysql://x/y', replicaUrls: [] })).toThrow(ConfigError);
  expect(() => createHealthChecker({ primaryUrl: NOWHERE, replicaUrls: ['nope'] })).toThrow(/replicaUrls\[0\]/);
  expect(() => createHealthChecker({ primaryUrl: NOWHERE, replicaUrls: [], checkIntervalMs: [2000, 1000] })).toThrow(
    /checkIntervalMs must be \[min, max\]/,
  );
  expect(() => createHealthChecker({ primaryUrl: NOWHERE, replicaUrls: [], maxLagMs: -1 })).toThrow(/maxLagMs/);
});

test('describeTarget: host:port of a URL or a client config, never the password', () => {
  expect(describeTarget(NOWHERE)).toBe('127.0.0.1:1');
  expect(describeTarget('postgresql://u:pw@db.internal/app')).toBe('db.internal:5432');
  expect(describeTarget({ host: '/var/run/postgresql', port: 5433, password: 'pw' })).toBe('/var/run/postgresql:5433');
  expect(describeTarget({ connectionString: NOWHERE })).toBe('127.0.0.1:1');
  expect(describeTarget('not a url with secret')).toBe('the configured server');
});

test('queryOnce passes a connection error through unchanged', async () => {
  await expect(queryOnce({ connectionString: NOWHERE }, 'SELECT 1', [], 500, 500)).rejects.toMatchObject({
    code: 'ECONNREFUSED',
  });
});
