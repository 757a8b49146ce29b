import { measureLatency } from '../../../src/bench/common/measure-latency';

/** A clock that moves 1 ms per call of an operation, so samples are exact. */
function tickingOp() {
  let t = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const calls: number[] = [];
  return {
    now: () => t,
    op: async (i: number) => {
      calls.push(i);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setImmediate(r));
      t += 1;
      inFlight--;
    },
    calls,
    maxInFlight: () => maxInFlight,
  };
}

test('records one sample per measured call, none for the warm-up, with the indexes after the warm-up', async () => {
  const o = tickingOp();
  const m = await measureLatency(o.op, { iterations: 10, warmup: 3, now: o.now });
  expect(m.samplesMs).toEqual(Array(10).fill(1));
  expect(m.wallMs).toBe(10);
  expect(o.calls).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
});

test('runs exactly `concurrency` calls at a time', async () => {
  const o = tickingOp();
  const m = await measureLatency(o.op, { iterations: 20, concurrency: 4, now: o.now });
  expect(m.samplesMs).toHaveLength(20);
  expect(o.maxInFlight()).toBe(4);
  expect(new Set(o.calls).size).toBe(20);
});

test('a failing call fails the measurement with its own error, and no further calls start', async () => {
  const calls: number[] = [];
  const op = async (i: number) => {
    calls.push(i);
    if (i === 2) throw new Error('boom at 2');
  };
  await expect(measureLatency(op, { iterations: 100 })).rejects.toThrow('boom at 2');
  expect(calls).toEqual([0, 1, 2]);
});

test.each([
  [{ iterations: 0 }, /iterations must be a whole number >= 1/],
  [{ iterations: 1.5 }, /iterations/],
  [{ iterations: 5, concurrency: 0 }, /concurrency must be a whole number >= 1/],
])('refuses %j', async (options, message) => {
  await expect(measureLatency(async () => undefined, options)).rejects.toThrow(message);
});
