// Runs one operation many times with N parallel workers and records each call's latency.
import { performance } from 'node:perf_hooks';

export interface MeasureOptions {
  /** Measured calls. */
  readonly iterations: number;
  /** Parallel workers, each running one call at a time. Default 1. */
  readonly concurrency?: number;
  /** Unrecorded calls first, to open connections and warm caches. Default 0. */
  readonly warmup?: number;
  /** Clock in ms; injectable for tests. Default performance.now. */
  readonly now?: () => number;
}

export interface Measurement {
  /** Latency of every measured call, in ms, in completion order. */
  readonly samplesMs: number[];
  /** Wall-clock time of the measured calls (warm-up excluded), in ms. */
  readonly wallMs: number;
}

/** Calls `op(i)` for i in [first, first + count) with `concurrency` workers; the first failure stops all workers. */
async function runWorkers(
  first: number,
  count: number,
  concurrency: number,
  op: (i: number) => Promise<unknown>,
  record: (ms: number) => void,
  now: () => number,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < count) {
      const i = first + next++;
      const started = now();
      try {
        await op(i);
      } catch (err) {
        failed = true;
        throw err;
      }
      record(now() - started);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/**
 * Measures `op`. Warm-up calls get indexes 0..warmup-1, measured calls the ones after. A failing call fails the
 * measurement with its own error: a benchmark that skipped errors would report the speed of failing.
 */
export async function measureLatency(
  op: (i: number) => Promise<unknown>,
  options: MeasureOptions,
): Promise<Measurement> {
  const concurrency = options.concurrency ?? 1;
  const now = options.now ?? (() => performance.now());
  if (!Number.isInteger(options.iterations) || options.iterations < 1) {
    throw new RangeError(`iterations must be a whole number >= 1, got ${options.iterations}.`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a whole number >= 1, got ${concurrency}.`);
  }
  const warmup = options.warmup ?? 0;
  if (warmup > 0) await runWorkers(0, warmup, concurrency, op, () => undefined, now);
  const samplesMs: number[] = [];
  const started = now();
  await runWorkers(warmup, options.iterations, concurrency, op, (ms) => samplesMs.push(ms), now);
  return { samplesMs, wallMs: now() - started };
}
