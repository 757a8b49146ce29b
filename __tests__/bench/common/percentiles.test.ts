// Latency summaries read from the HDR histogram: known inputs give known percentiles, within HDR's 3
// significant digits (0.1%).
import { LatencyRecorder, SIGNIFICANT_DIGITS } from '../../../src/bench/common/latency-recorder';
import { summarize } from '../../../src/bench/common/percentiles';

const PRECISION = 10 ** -SIGNIFICANT_DIGITS;
/** `actual` is `expected` to HDR's precision. */
const near = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * PRECISION);

describe('summarize (HDR histogram)', () => {
  test('1..100 ms: each percentile is its nearest-rank sample, within 0.1%', () => {
    const s = summarize(Array.from({ length: 100 }, (_, i) => i + 1).reverse());
    expect(s.samples).toBe(100);
    near(s.p50Ms, 50);
    near(s.p95Ms, 95);
    near(s.p99Ms, 99);
    near(s.p999Ms, 100);
    near(s.meanMs, 50.5);
    // Min and max are the samples themselves.
    expect([s.minMs, s.maxMs]).toEqual([1, 100]);
  });

  test('sub-millisecond latencies keep their precision', () => {
    const s = summarize([0.2, 0.21, 0.22, 0.23, 0.412]);
    near(s.p50Ms, 0.22);
    near(s.p99Ms, 0.412);
    expect(s.minMs).toBe(0.2);
  });

  test('a long tail shows in p99, p99.9 and the mean, not in p50', () => {
    const s = summarize([...Array(998).fill(1), 50, 100]);
    near(s.p50Ms, 1);
    near(s.p95Ms, 1);
    near(s.p99Ms, 1);
    near(s.p999Ms, 50);
    expect(s.maxMs).toBe(100);
    expect(Math.abs(s.meanMs - 1.148)).toBeLessThan(1.148 * PRECISION);
  });

  test('the input is not modified', () => {
    const input = [5, 1, 4, 2, 3];
    near(summarize(input).p50Ms, 3);
    expect(input).toEqual([5, 1, 4, 2, 3]);
  });

  test.each([[[]], [[1, Number.NaN]], [[1, -0.5]], [[Number.POSITIVE_INFINITY]]])('refuses %j', (samples) => {
    expect(() => summarize(samples)).toThrow(RangeError);
  });

  test('a stall of minutes is recorded, not refused (the histogram grows)', () => {
    near(summarize([0.3, 180_000]).maxMs, 180_000);
  });
});

describe('LatencyRecorder', () => {
  test('recorders add up: the rounds of a path give the summary of all their samples', () => {
    const a = LatencyRecorder.of([1, 2, 3]);
    a.add(LatencyRecorder.of([4, 5]));
    expect(a.count).toBe(5);
    near(a.summary().p50Ms, 3);
    expect(a.summary().maxMs).toBe(5);
  });

  test('chart buckets: every sample in exactly one bucket, bounds increasing, each sample ≤ its bound', () => {
    const samples = [0.05, 0.2, 0.21, 0.49, 0.5, 1.1, 1.2, 3.7, 10, 250];
    const h = LatencyRecorder.of(samples).buckets();
    expect(h.reduce((s, b) => s + b.count, 0)).toBe(samples.length);
    for (let i = 1; i < h.length; i++) expect(h[i]!.upperMs).toBeGreaterThan(h[i - 1]!.upperMs);
    // 0.49 and 0.5 share the bucket ending at 0.501 (10^-0.3), 1.1 and 1.2 the one ending at 1.26.
    expect(h.find((b) => b.upperMs === 0.501)?.count).toBe(2);
    expect(h.find((b) => b.upperMs === 1.26)?.count).toBe(2);
    expect(h.find((b) => b.upperMs === 1.58)?.count).toBe(0);
    expect(h[0]!.upperMs).toBeGreaterThanOrEqual(0.05);
    expect(h.at(-1)!.upperMs).toBeGreaterThanOrEqual(250);
    expect(new LatencyRecorder().buckets()).toEqual([]);
    expect(() => new LatencyRecorder().summary()).toThrow(/No samples/);
  });
});
