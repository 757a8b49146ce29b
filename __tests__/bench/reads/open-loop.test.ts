// The open-loop scheduler on a fake clock: requests start on schedule whatever the responses, and latency counts
// from each request's intended start, so one stall shows as queueing delay in the requests behind it.
import { runOpenLoop } from '../../../src/bench/reads/open-loop';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** Runs `run` to completion, moving the fake clock on as far as needed. */
async function settle<T>(run: Promise<T>): Promise<T> {
  let result: { value: T } | null = null;
  let error: { error: unknown } | null = null;
  run.then(
    (value) => (result = { value }),
    (e: unknown) => (error = { error: e }),
  );
  for (let i = 0; i < 10_000 && !result && !error; i++) await jest.advanceTimersByTimeAsync(1);
  if (error) throw (error as { error: unknown }).error;
  return result!.value;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

test('a 200 ms stall, one request in flight at most: the requests behind it carry the stall as queueing delay', async () => {
  const starts: number[] = [];
  // 100/s: one request every 10 ms; request 5 stalls for 200 ms, every other one returns at once.
  const m = await settle(
    runOpenLoop(
      async (i) => {
        starts.push(Date.now());
        if (i === 5) await wait(200);
      },
      { ratePerSec: 100, seconds: 0.5, maxInFlight: 1, now: () => Date.now() },
    ),
  );
  expect(m).toMatchObject({ scheduled: 50, issued: 50, completed: 50, notIssued: 0, unfinished: 0 });
  const s = m.latency.summary();
  // The stalled request took 200 ms; the one due 10 ms after it could only start when it returned, 190 ms
  // late, and so on down to the request due when the stall ended. A closed loop would have measured ~0 for all.
  expect(s.maxMs).toBe(200);
  const delayed = Array.from({ length: 20 }, (_, k) => 200 - 10 * k); // requests 5..24
  expect(m.lateIssued).toBe(19);
  expect(m.maxIssueDelayMs).toBe(190);
  // Percentiles of the 50 (nearest rank, within HDR's 0.1%): p95 is the 3rd largest, 180 ms; p90 the 6th, 150 ms.
  expect(Math.abs(m.latency.percentileMs(95) - 180)).toBeLessThanOrEqual(0.18);
  expect(Math.abs(m.latency.percentileMs(90) - 150)).toBeLessThanOrEqual(0.15);
  // Requests 6..24, due at 60..240 ms, could only start once the stall ended at 250 ms.
  const t0 = starts[0]!;
  expect(starts.slice(6, 25).map((t) => t - t0 >= 250)).toEqual(Array(19).fill(true));
  // 20 requests carry the stall: the mean is at least their delay spread over all 50.
  expect(s.meanMs).toBeGreaterThanOrEqual((delayed.reduce((a, b) => a + b, 0) / 50) * 0.999);
});

test('with room in flight, a stall delays only itself: the schedule goes on', async () => {
  const m = await settle(
    runOpenLoop(
      async (i) => {
        if (i === 5) await wait(200);
      },
      { ratePerSec: 100, seconds: 0.5, maxInFlight: 64, now: () => Date.now() },
    ),
  );
  expect(m).toMatchObject({ completed: 50, lateIssued: 0, maxIssueDelayMs: 0 });
  expect(m.latency.summary().maxMs).toBe(200);
  expect(m.latency.percentileMs(95)).toBe(0);
});

test('bounded in time: requests that cannot start or finish by the bound are counted, not waited for', async () => {
  const m = await settle(
    runOpenLoop(() => wait(60_000), {
      ratePerSec: 100,
      seconds: 1,
      maxInFlight: 2,
      drainMs: 500,
      now: () => Date.now(),
    }),
  );
  // Two start and hang; the other 98 wait for a slot until the bound (1 s of schedule + 0.5 s), then are dropped.
  expect(m).toMatchObject({ scheduled: 100, issued: 2, completed: 0, notIssued: 98, unfinished: 2 });
  // The two hung requests are recorded with the time they had waited by the bound (1.5 s): a lower bound.
  expect(m.latency.summary().maxMs).toBeGreaterThanOrEqual(1500);
  expect(m.latency.summary().minMs).toBeGreaterThanOrEqual(1490);
});

test('a failing request fails the run, naming it; bad options are refused', async () => {
  const run = settle(
    runOpenLoop(
      async (i) => {
        if (i === 3) throw new Error('boom');
      },
      { ratePerSec: 100, seconds: 0.1, now: () => Date.now() },
    ),
  );
  await expect(run).rejects.toThrow('Open-loop request 3 failed at 100/s');
  await expect(runOpenLoop(async () => undefined, { ratePerSec: 0, seconds: 1 })).rejects.toThrow(RangeError);
  await expect(runOpenLoop(async () => undefined, { ratePerSec: 10, seconds: 0 })).rejects.toThrow(RangeError);
});
