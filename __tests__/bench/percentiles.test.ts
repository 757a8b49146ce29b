import { percentile, summarize } from '../../src/bench/percentiles';

const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

describe('percentile (nearest rank)', () => {
  test.each([
    [50, 50],
    [95, 95],
    [99, 99],
    [100, 100],
    [0, 1],
    [1, 1],
    [99.5, 100],
  ])('p%s of 1..100 is %s', (p, expected) => {
    expect(percentile(oneToHundred, p)).toBe(expected);
  });

  test('is always one of the samples', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 51)).toBe(3);
    expect(percentile([10, 20], 95)).toBe(20);
  });

  test('a single sample is every percentile', () => {
    for (const p of [0, 50, 95, 99, 100]) expect(percentile([7.5], p)).toBe(7.5);
  });

  test.each([-1, 101, Number.NaN])('refuses percentile %s', (p) => {
    expect(() => percentile(oneToHundred, p)).toThrow(/outside 0..100/);
  });

  test('refuses no samples', () => {
    expect(() => percentile([], 50)).toThrow(/No samples/);
  });
});

describe('summarize', () => {
  test('sorts a copy and reports every figure', () => {
    const input = [5, 1, 4, 2, 3];
    expect(summarize(input)).toEqual({ samples: 5, p50Ms: 3, p95Ms: 5, p99Ms: 5, meanMs: 3, minMs: 1, maxMs: 5 });
    expect(input).toEqual([5, 1, 4, 2, 3]);
  });

  test('a long tail shows in p99 and the mean, not in p50', () => {
    const s = summarize([...Array(98).fill(1), 50, 100]);
    expect(s.p50Ms).toBe(1);
    expect(s.p95Ms).toBe(1);
    expect(s.p99Ms).toBe(50);
    expect(s.maxMs).toBe(100);
    expect(s.meanMs).toBeCloseTo(2.48, 10);
  });

  test.each([[[]], [[1, Number.NaN]], [[1, -0.5]], [[Number.POSITIVE_INFINITY]]])('refuses %j', (samples) => {
    expect(() => summarize(samples)).toThrow(RangeError);
  });
});
