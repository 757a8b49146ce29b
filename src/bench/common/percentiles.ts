// Latency statistics from raw samples, read from an HDR histogram (see LatencyRecorder): the bench, the demo,
// the baselines and the consistency benches all summarise through here.
import { LatencyRecorder, type LatencySummary } from './latency-recorder';

export type { LatencySummary } from './latency-recorder';

/** p50/p95/p99/p99.9, mean, min and max of `samplesMs` (any order; the input is not modified). */
export function summarize(samplesMs: readonly number[]): LatencySummary {
  if (samplesMs.length === 0) throw new RangeError('No samples: run at least one iteration before summarising.');
  return LatencyRecorder.of(samplesMs).summary();
}
