// The health checker's schedule with an injected scheduler (no sleeping): delays stay within [min, max], and a
// failed check is followed by the next one. The failing check is real: a connection refused on a closed port.
import type { RwsplitEvent } from '../../src';
import { HealthChecker, type Scheduler } from '../../src/load-balancing/health-checker';
import { HostList } from '../../src/load-balancing/host-list';
import { ReplicaHost } from '../../src/load-balancing/replica-host';
import { nodeAddress } from '../../src/postgres/node-address';
import { PrimaryPosition } from '../../src/primary/primary-position';
import { PrimaryTarget } from '../../src/primary/primary-target';
import { WriteClock } from '../../src/primary/write-clock';
import { createNodePool } from '../../src/prisma/node-client';
import { NodeAdapter } from '../../src/prisma/node-adapter';

/** The host's Prisma client is never used by health checks (they run on the host's own pg pool). */

/** Polls a condition with a deadline. */
async function waitUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Port 1 on loopback: nothing listens, so every connection is refused at once.
const NOWHERE = 'postgresql://rwsplit:x@127.0.0.1:1/rwsplit';

/** Timers that only fire when the test says so; random() plays back the given values. */
class ManualScheduler implements Scheduler {
  readonly timers: { fn: () => void; ms: number; cleared: boolean; unref: () => void }[] = [];
  #randoms: number[];

  constructor(randoms: number[]) {
    this.#randoms = randoms;
  }

  setTimeout(fn: () => void, ms: number) {
    const timer = { fn, ms, cleared: false, unref: () => undefined };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    (handle as { cleared: boolean }).cleared = true;
  }

  now(): number {
    return 1_000_000;
  }

  random(): number {
    return this.#randoms.shift() ?? 0.5;
  }
}

function setUp(interval: readonly [number, number], randoms: number[]) {
  const scheduler = new ManualScheduler(randoms);
  const events: RwsplitEvent[] = [];
  // The read pool is never used here: a pg Pool opens no connection until a query.
  const reads = new NodeAdapter(createNodePool(NOWHERE));
  const host = new ReplicaHost(
    '127.0.0.1:1',
    NOWHERE,
    reads,
    { maxLagMs: 1000, maxLagBytes: 1 << 20 },
    { connectTimeoutMs: 500 },
  );
  const hosts = new HostList([host]);
  const position = new PrimaryPosition(new PrimaryTarget(nodeAddress(NOWHERE)), new WriteClock(), 500);
  const checker = new HealthChecker(hosts, position, interval, (e) => events.push(e), scheduler);
  const close = async () => {
    checker.stop();
    await Promise.all([position.close(), host.close()]);
  };
  return { scheduler, events, checker, close };
}

test('check delays fall within [min, max], whatever random() returns', async () => {
  const randoms = [0, 1e-9, 0.25, 0.5, 0.999999, 0.9999999999, 1];
  const wide = setUp([1000, 2000], [...randoms]);
  const fixed = setUp([700, 700], [0.9]);
  try {
    const delays = randoms.map(() => wide.checker.nextDelayMs());
    for (const d of delays) {
      expect(Number.isInteger(d)).toBe(true);
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThanOrEqual(2000);
    }
    expect(delays[0]).toBe(1000);
    expect(delays[4]).toBe(2000);
    expect(fixed.checker.nextDelayMs()).toBe(700);
  } finally {
    await Promise.all([wide.close(), fixed.close()]);
  }
});

test('a failed check is reported and the next one is scheduled', async () => {
  const { scheduler, events, checker, close } = setUp([1000, 2000], [0, 0.999999]);
  try {
    await checker.start();
    expect(events).toContainEqual(expect.objectContaining({ event: 'replica_checked', reachable: false }));
    expect(scheduler.timers.map((t) => t.ms)).toEqual([1000]);

    events.length = 0;
    scheduler.timers[0]!.fn(); // the interval elapses: the check runs, fails (refused), and reschedules
    await waitUntil(async () => scheduler.timers.length === 2, 'the next check to be scheduled');
    expect(events).toEqual([
      expect.objectContaining({ event: 'replica_checked', node: '127.0.0.1:1', reachable: false }),
    ]);
    expect(scheduler.timers[1]!.ms).toBe(2000);

    checker.stop();
    expect(scheduler.timers[1]!.cleared).toBe(true);
  } finally {
    await close();
  }
});
