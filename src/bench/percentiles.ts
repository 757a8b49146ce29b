// Latency statistics from raw samples: the one place percentile math lives (bench and demo both use it).

/** Summary of a set of latency samples, all in ms. */
export interface LatencySummary {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

function checkSamples(samples: readonly number[]): void {
  if (samples.length === 0) throw new RangeError('No samples: run at least one iteration before summarising.');
  const bad = samples.findIndex((s) => !Number.isFinite(s) || s < 0);
  if (bad !== -1) throw new RangeError(`Sample ${bad} is ${samples[bad]}: latencies must be finite and >= 0.`);
}

/**
 * The p-th percentile by the nearest-rank method: the smallest sample such that at least p% of all samples are
 * less than or equal to it. Always one of the samples (no interpolation), so p99 of 100 samples is the 99th
 * smallest and p100 is the maximum. `sorted` must be ascending.
 * @example percentile([1, 2, 3, 4], 50) === 2
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`Percentile ${p} is outside 0..100.`);
  checkSamples(sorted);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** p50/p95/p99, mean, min and max of `samplesMs` (any order; the input is not modified). */
export function summarize(samplesMs: readonly number[]): LatencySummary {
  checkSamples(samplesMs);
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return Object.freeze({
    samples: sorted.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    meanMs: sum / sorted.length,
    minMs: sorted[0]!,
    maxMs: sorted[sorted.length - 1]!,
  });
}
