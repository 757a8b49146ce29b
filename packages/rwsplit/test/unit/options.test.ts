// Options are validated before anything connects: each bad one is refused with a ConfigError naming it.
import { ConfigError, createRwsplit, DEFAULTS, type RwsplitOptions } from '../../src';
import { resolveOptions, sessionMode } from '../../src/options';

/** A stand-in for an application's PrismaClient class: validation only checks that it is a class. */
class NotConnected {
  async $connect(): Promise<void> {}
  async $disconnect(): Promise<void> {}
}
const base = { PrismaClient: NotConnected, primaryUrl: 'postgresql://app:secret@db:5432/app' };

const refusal = (options: unknown) => {
  try {
    resolveOptions(options as RwsplitOptions);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('RWSPLIT_CONFIG');
    return (err as Error).message;
  }
  throw new Error('the options were accepted');
};

test('the same server under two databases is two replicas', () => {
  expect(() =>
    resolveOptions({ ...base, replicaUrls: ['postgresql://r1/app', 'postgresql://r1/other'] }),
  ).not.toThrow();
});

test('defaults fill every option left out, and the result is frozen', () => {
  const o = resolveOptions(base);
  expect(o).toMatchObject({
    maxLagMs: DEFAULTS.maxLagMs,
    maxLagBytes: 1024 * 1024,
    checkIntervalMs: [1000, 2000],
    fallbackToPrimary: true,
    consistency: 'read-your-writes',
    readYourWritesWaitMs: 0,
    poolSize: 10,
    connectTimeoutMs: 3000,
    checkTimeoutMs: 3000,
    replicaReadTimeoutMs: 10_000,
    failoverWaitMs: 10_000,
    maxHeldWrites: 1000,
    idleTimeoutMs: 10_000,
  });
  expect(o.primaryPoolSize).toBeUndefined();
  expect(o.topology.description).toBe('fixed list');
  expect(Object.isFrozen(o)).toBe(true);
  expect(resolveOptions({ ...base, connectTimeoutMs: 700 }).checkTimeoutMs).toBe(700);
});

test.each([
  [{ ...base, PrismaClient: undefined }, /PrismaClient must be your generated PrismaClient class/],
  [{ ...base, primaryUrl: undefined }, /primaryUrl is required \(or a topology source\)/],
  [{ ...base, primaryUrl: 42 }, /primaryUrl must be a string/],
  [{ ...base, topology: { read: async () => ({}) } }, /either topology or primaryUrl\/replicaUrls, not both/],
  [{ ...base, topology: 'patroni' }, /topology must be a topology source/],
  [{ ...base, primaryUrl: 'mysql://db/app' }, /primaryUrl is not a postgres URL/],
  [{ ...base, primaryUrl: 'postgresql://db:5432' }, /primaryUrl names no database/],
  [{ ...base, primaryUrl: 'postgresql://a\u0000b@db/app' }, /control character/],
  [{ ...base, primaryUrl: 'not a url at all' }, /primaryUrl is not a valid URL/],
  [{ ...base, replicaUrls: 'postgresql://r/app' }, /replicaUrls must be an array/],
  [{ ...base, replicaUrls: ['postgresql://r1/app', 'http://r2/app'] }, /replicaUrls\[1\] is not a postgres URL/],
  [{ ...base, replicaUrls: ['postgresql://x:y@db:5432/app'] }, /replicaUrls\[0\] .* is the primary itself/],
  [
    { ...base, replicaUrls: ['postgresql://r1/app', 'postgresql://u:p@R1:5432/app?sslmode=disable'] },
    /replicaUrls\[1\] \(.*\) names the same server and database as replicaUrls\[0\]\. List each replica once/,
  ],
  [{ ...base, replicaUrls: ['postgresql://DB/app'] }, /replicaUrls\[0\] .* is the primary itself/],
  [{ ...base, maxLagMs: -1 }, /maxLagMs: maxLagMs must be ≥ 0/],
  [{ ...base, maxLagMs: '100' }, /maxLagMs must be a number of ms/],
  [{ ...base, checkIntervalMs: [2000, 1000] }, /min ≤ max/],
  [{ ...base, checkIntervalMs: [5, 10] }, /checkIntervalMs\.0/],
  [{ ...base, consistency: 'strong' }, /consistency: must be one of eventual, read-your-writes, primary/],
  [{ ...base, poolSize: 0 }, /poolSize must be ≥ 1/],
  [{ ...base, primaryPoolSize: 0 }, /primaryPoolSize must be ≥ 1/],
  [{ ...base, replicaPoolSize: 1.5 }, /replicaPoolSize/],
  [{ ...base, idleTimeoutMs: 0 }, /idleTimeoutMs must be ≥ 1/],
  [{ ...base, failoverWaitMs: -1 }, /failoverWaitMs must be ≥ 0/],
  [{ ...base, maxHeldWrites: -1 }, /maxHeldWrites must be ≥ 0/],
  [{ ...base, defaultReads: 'replicas' }, /defaultReads must be 'replica' or 'primary'/],
  [{ ...base, routeRawReads: 'yes' }, /routeRawReads must be true or false/],
  [{ ...base, fallbackToPrimary: 'yes' }, /fallbackToPrimary must be true or false/],
  [{ ...base, onEvent: 'log' }, /onEvent must be a function/],
  [null, /needs an options object/],
])('refused: %j', (options, message) => {
  expect(refusal(options)).toMatch(message);
});

test('a refused URL never shows its password, and a 1 MB value gives a one-line message', () => {
  const message = refusal({ ...base, primaryUrl: `mysql://app:hunter2@db/app` });
  expect(message).not.toContain('hunter2');
  const long = refusal({ ...base, primaryUrl: `postgresql://db/app\n${'x'.repeat(1 << 20)}` });
  expect(long.length).toBeLessThan(400);
  expect(long).not.toContain('\n');
});

test('createRwsplit refuses bad options before it connects anywhere', async () => {
  await expect(createRwsplit({ ...base, maxLagBytes: -5 })).rejects.toThrow(ConfigError);
});

test('session modes are validated like the consistency option', () => {
  expect(sessionMode(undefined, 'eventual')).toBe('eventual');
  expect(sessionMode('primary', 'eventual')).toBe('primary');
  expect(() => sessionMode('fresh', 'eventual')).toThrow(/session option mode must be one of/);
});
