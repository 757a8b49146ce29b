// The raw-pg paths of a bench run's rounds restated as raw-pg baselines (the pgbench ones are
// baseline/run-pgbench-baselines.ts).
import type { RawPgResult } from '../baseline/baseline-result';
import { maskUrl } from '../../config';
import type { BenchPathResult } from './bench-report';

/** A raw-pg path of the rounds as a raw-pg baseline (same figures), so every path gets a ratio to it. */
export function rawPgBaseline(path: BenchPathResult, target: string): RawPgResult {
  return {
    status: 'ok',
    tool: 'raw-pg',
    target: maskUrl(target),
    clients: path.concurrency,
    transactions: path.samples,
    durationMs: path.wallMs,
    opsPerSec: path.opsPerSec,
    meanMs: path.meanMs,
    p50Ms: path.p50Ms,
    p95Ms: path.p95Ms,
    p99Ms: path.p99Ms,
  };
}
