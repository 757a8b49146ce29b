// Turns a path's recorded latencies into its BenchPathResult: percentiles, throughput, histogram.
import type { BenchPathResult, BenchTarget, BenchWorkload } from './bench-report';
import { LatencyRecorder } from '../common/latency-recorder';

export interface PathIdentity {
  readonly name: string;
  readonly description: string;
  readonly target: BenchTarget;
  readonly workload?: BenchWorkload;
  readonly concurrency: number;
}

/** The result of a path from its latencies (ms, or already in a recorder) and the wall-clock time they took. */
export function pathResult(
  path: PathIdentity,
  latencies: readonly number[] | LatencyRecorder,
  wallMs: number,
  rounds = 1,
): BenchPathResult {
  const recorder = latencies instanceof LatencyRecorder ? latencies : LatencyRecorder.of(latencies);
  const summary = recorder.summary();
  return Object.freeze({
    name: path.name,
    description: path.description,
    target: path.target,
    ...(path.workload ? { workload: path.workload } : {}),
    concurrency: path.concurrency,
    ...summary,
    opsPerSec: wallMs > 0 ? (summary.samples / wallMs) * 1000 : 0,
    wallMs,
    rounds,
    histogram: recorder.buckets(),
  });
}
