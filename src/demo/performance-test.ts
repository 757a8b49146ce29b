// The seed's performance test: the demo's read (10 newest rows, on a standby) against a write, one at a time.
import { measureLatency } from '../bench/common/measure-latency';
import { type LatencySummary, summarize } from '../bench/common/percentiles';
import type { DemoContext } from './demo-context';

export interface PerformanceTestOptions {
  /** Reads and writes measured, each. Default 200. */
  readonly iterations?: number;
  /** Unmeasured calls of each first (connections, caches). Default 20. */
  readonly warmup?: number;
}

export interface PerformanceTestResult {
  readonly reads: LatencySummary;
  readonly writes: LatencySummary;
  /** Write p50 divided by read p50 (the seed reported 13.5–22.8× with writes through docker exec). */
  readonly writeToReadP50: number;
}

/** Measures N reads (findMany 10 rows ORDER BY created_at DESC, routed to a standby) and N writes. */
export async function runPerformanceTest(
  ctx: DemoContext,
  options: PerformanceTestOptions = {},
): Promise<PerformanceTestResult> {
  const iterations = options.iterations ?? 200;
  const warmup = options.warmup ?? 20;
  const reads = await measureLatency(
    () => ctx.client.testReplication.findMany({ take: 10, orderBy: { createdAt: 'desc' } }),
    { iterations, warmup },
  );
  const writes = await measureLatency((i) => ctx.writer.write(`demo performance write ${i} (${ctx.runId})`), {
    iterations,
    warmup,
  });
  const r = summarize(reads.samplesMs);
  const w = summarize(writes.samplesMs);
  return Object.freeze({ reads: r, writes: w, writeToReadP50: w.p50Ms / r.p50Ms });
}
