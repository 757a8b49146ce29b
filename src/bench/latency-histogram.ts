// Latency samples as a histogram with log-spaced buckets, for the report's distribution chart.
import type { HistogramBucket } from '../report/report-data';

/** Buckets per factor of ten: 10 gives bounds 1, 1.26, 1.58, 2, 2.51 … (each ~26% above the last). */
export const BUCKETS_PER_DECADE = 10;

/** The upper bound of bucket k: 10^(k / BUCKETS_PER_DECADE), to 3 significant digits. */
const bound = (k: number) => Number((10 ** (k / BUCKETS_PER_DECADE)).toPrecision(3));

/** The bucket index whose (rounded) upper bound is the first ≥ ms. */
function bucketOf(ms: number): number {
  let k = Math.ceil(Math.log10(ms) * BUCKETS_PER_DECADE - 1e-9);
  while (bound(k) < ms) k++;
  while (bound(k - 1) >= ms) k--;
  return k;
}

/**
 * Counts samples per bucket, from the bucket of the smallest sample to that of the largest (empty buckets in
 * between included, so the line shows gaps as zeros). A bucket holds samples ≤ its upperMs and > the previous one.
 * @example latencyHistogram([0.5, 0.52, 3]) → [{ upperMs: 0.501, count: 1 }, { upperMs: 0.631, count: 1 }, …]
 */
export function latencyHistogram(samplesMs: readonly number[], floorMs = 0.001): HistogramBucket[] {
  if (samplesMs.length === 0) return [];
  const counts = new Map<number, number>();
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of samplesMs) {
    const k = bucketOf(Math.max(s, floorMs));
    counts.set(k, (counts.get(k) ?? 0) + 1);
    lo = Math.min(lo, k);
    hi = Math.max(hi, k);
  }
  const out: HistogramBucket[] = [];
  for (let k = lo; k <= hi; k++) out.push({ upperMs: bound(k), count: counts.get(k) ?? 0 });
  return out;
}
