// Latency recorded in an HDR histogram (hdr-histogram-js): constant memory however many calls, 3 significant
// digits at every magnitude, percentiles read straight from it. Every bench path records through here.
import { Int32Histogram } from 'hdr-histogram-js';
import type { HistogramBucket } from '../report/report-data';

/** Summary of a set of latencies, all in ms; percentiles as HDR reports them (within 0.1% of a sample). */
export interface LatencySummary {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly meanMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

/** Values are recorded in ns: sub-millisecond reads keep their precision, an hour still fits. */
const NS_PER_MS = 1e6;
/** 3 significant digits: every reported value is within 0.1% of a recorded one. */
export const SIGNIFICANT_DIGITS = 3;
/** Chart buckets per factor of ten: 10 gives bounds 1, 1.26, 1.58, 2, 2.51 … ms. */
export const BUCKETS_PER_DECADE = 10;

const bound = (k: number) => Number((10 ** (k / BUCKETS_PER_DECADE)).toPrecision(3));

export class LatencyRecorder {
  private readonly histogram = new Int32Histogram(1, 2, SIGNIFICANT_DIGITS);

  constructor() {
    // Grows to the largest value recorded instead of failing on an outlier (a stall of minutes).
    this.histogram.autoResize = true;
  }

  /** A recorder holding `samplesMs`. */
  static of(samplesMs: readonly number[]): LatencyRecorder {
    const r = new LatencyRecorder();
    samplesMs.forEach((ms, i) => r.record(ms, i));
    return r;
  }

  /** Records one latency in ms (finite, ≥ 0). `index` only names the sample in the error. */
  record(ms: number, index?: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      const which = index === undefined ? 'A sample' : `Sample ${index}`;
      throw new RangeError(`${which} is ${ms}: latencies must be finite and >= 0.`);
    }
    this.histogram.recordValue(Math.round(ms * NS_PER_MS));
  }

  /** Adds every value of `other` into this one (e.g. the rounds of one path). */
  add(other: LatencyRecorder): void {
    this.histogram.add(other.histogram);
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** The value at percentile p (0..100), in ms. */
  percentileMs(p: number): number {
    return this.histogram.getValueAtPercentile(p) / NS_PER_MS;
  }

  /** p50/p95/p99/p99.9, mean, min and max; throws when nothing was recorded. */
  summary(): LatencySummary {
    const h = this.histogram;
    if (h.totalCount === 0) throw new RangeError('No samples: run at least one iteration before summarising.');
    return Object.freeze({
      samples: h.totalCount,
      p50Ms: this.percentileMs(50),
      p95Ms: this.percentileMs(95),
      p99Ms: this.percentileMs(99),
      p999Ms: this.percentileMs(99.9),
      meanMs: h.mean / NS_PER_MS,
      // HDR keeps the smallest non-zero and the largest value as recorded (to the ns), not as a bucket.
      minMs: this.percentileMs(0) === 0 ? 0 : h.minNonZeroValue / NS_PER_MS,
      maxMs: h.maxValue / NS_PER_MS,
    });
  }

  /**
   * HDR's recorded values regrouped into log-spaced buckets for the report's chart, from the bucket of the
   * smallest value to that of the largest (empty ones included, so the line shows gaps as zeros). A bucket holds
   * the values ≤ its upperMs and > the previous bound (to HDR's precision); values below `floorMs` count in the floor's bucket.
   */
  buckets(floorMs = 0.001): HistogramBucket[] {
    const counts = new Map<number, number>();
    const it = this.histogram.recordedValuesIterator;
    it.reset();
    while (it.hasNext()) {
      const v = it.next();
      // The middle of HDR's bucket: within 0.05% of every value it holds.
      const ms = Math.max(this.histogram.medianEquivalentValue(v.valueIteratedTo) / NS_PER_MS, floorMs);
      let k = Math.ceil(Math.log10(ms) * BUCKETS_PER_DECADE - 1e-9);
      while (bound(k) < ms) k++;
      while (bound(k - 1) >= ms) k--;
      counts.set(k, (counts.get(k) ?? 0) + v.countAddedInThisIterationStep);
    }
    if (counts.size === 0) return [];
    const keys = [...counts.keys()];
    const out: HistogramBucket[] = [];
    for (let k = Math.min(...keys); k <= Math.max(...keys); k++)
      out.push({ upperMs: bound(k), count: counts.get(k) ?? 0 });
    return out;
  }
}
