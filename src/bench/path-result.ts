// Turns a path's raw samples into its BenchPathResult: percentiles, throughput, histogram.
import type { BenchPathResult, BenchTarget, BenchWorkload } from './bench-report';
import { latencyHistogram } from './latency-histogram';
import { summarize } from './percentiles';

export interface PathIdentity {
  readonly name: string;
  readonly description: string;
  readonly target: BenchTarget;
  readonly workload?: BenchWorkload;
  readonly concurrency: number;
}

/** The result of a path from its samples (ms) and the wall-clock time they took. */
export function pathResult(
  path: PathIdentity,
  samplesMs: readonly number[],
  wallMs: number,
  rounds = 1,
): BenchPathResult {
  return Object.freeze({
    name: path.name,
    description: path.description,
    target: path.target,
    ...(path.workload ? { workload: path.workload } : {}),
    concurrency: path.concurrency,
    ...summarize(samplesMs),
    opsPerSec: wallMs > 0 ? (samplesMs.length / wallMs) * 1000 : 0,
    wallMs,
    rounds,
    histogram: latencyHistogram(samplesMs),
  });
}
