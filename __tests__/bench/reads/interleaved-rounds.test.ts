import { measureInterleaved, roundOrder, sliceSize } from '../../../src/bench/reads/interleaved-rounds';

test('roundOrder rotates so each path goes first once per cycle', () => {
  expect(roundOrder(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
  expect(roundOrder(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
  expect(roundOrder(['a', 'b', 'c'], 5)).toEqual(['c', 'a', 'b']);
});

test('sliceSize splits the calls over the rounds, the first ones one larger', () => {
  expect([0, 1, 2].map((r) => sliceSize(10, 3, r))).toEqual([4, 3, 3]);
  expect([0, 1, 2, 3].map((r) => sliceSize(8, 4, r))).toEqual([2, 2, 2, 2]);
});

test('every path gets all its calls, in rotating rounds, warm-up first and unrecorded', async () => {
  let t = 0;
  const log: string[] = [];
  const op = (name: string, cost: number) => async (i: number) => {
    log.push(`${name}${i}`);
    await new Promise((r) => setImmediate(r));
    t += cost;
  };
  const slices: string[] = [];
  const result = await measureInterleaved(
    [
      { name: 'a', op: op('a', 1) },
      { name: 'b', op: op('b', 2) },
    ],
    {
      iterations: 5,
      rounds: 2,
      warmup: 1,
      now: () => t,
      onSlice: (s) => slices.push(`${s.path}:${s.round}:${s.calls}`),
    },
  );
  expect(slices).toEqual(['a:-1:1', 'b:-1:1', 'a:0:3', 'b:0:3', 'b:1:2', 'a:1:2']);
  // Call indexes continue across slices: warm-up 0, then 1..5.
  expect(log).toEqual(['a0', 'b0', 'a1', 'a2', 'a3', 'b1', 'b2', 'b3', 'b4', 'b5', 'a4', 'a5']);
  expect(result.map((r) => r.name)).toEqual(['a', 'b']);
  // Every measured call in the path's HDR histogram (1 ms and 2 ms are exact at its precision).
  expect(result[0]!.latency.summary()).toMatchObject({ samples: 5, minMs: 1, maxMs: 1 });
  expect(result[1]!.latency.summary()).toMatchObject({ samples: 5, minMs: 2, maxMs: 2 });
  expect(result[0]!.wallMs).toBe(5);
  expect(result[1]!.wallMs).toBe(10);
  expect(result.every((r) => r.rounds === 2)).toBe(true);
});

test('fewer calls than rounds: as many rounds as calls', async () => {
  const [r] = await measureInterleaved([{ name: 'a', op: async () => undefined }], { iterations: 2, rounds: 10 });
  expect(r!.latency.count).toBe(2);
  expect(r!.rounds).toBe(2);
});

test('a failing call fails the measurement, naming the path and the round', async () => {
  const failing = async (i: number) => {
    if (i === 3) throw new Error('boom');
  };
  const run = measureInterleaved(
    [
      { name: 'fine', op: async () => undefined },
      { name: 'broken', op: failing },
    ],
    { iterations: 4, rounds: 2 },
  );
  await expect(run).rejects.toThrow('Bench path broken failed in its round 2');
  await expect(run).rejects.toHaveProperty('cause.message', 'boom');
});
