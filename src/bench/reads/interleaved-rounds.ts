// Measures several paths side by side: each round runs a slice of every path, in an order that rotates from round
// to round, so a burst of machine noise (another process, a checkpoint, GC) lands on all paths alike.
import { LatencyRecorder } from '../common/latency-recorder';
import { measureLatency } from '../common/measure-latency';

/** One path to measure: `op(i)` is one call (i counts the path's calls, warm-up first). */
export interface RoundPath {
  readonly name: string;
  readonly op: (i: number) => Promise<unknown>;
}

export interface RoundsOptions {
  /** Measured calls per path over all rounds (split as evenly as possible). */
  readonly iterations: number;
  /** Rounds. Default 10. */
  readonly rounds?: number;
  /** Parallel workers per slice. Default 1. */
  readonly concurrency?: number;
  /** Unmeasured calls per path before round 1 (in the same rotation). Default 0. */
  readonly warmup?: number;
  /** Clock in ms; injectable for tests. */
  readonly now?: () => number;
  /** Called after each slice with the calls it made; `round` is -1 for a path's warm-up. */
  readonly onSlice?: (slice: { readonly path: string; readonly round: number; readonly calls: number }) => void;
}

export interface RoundsMeasurement {
  readonly name: string;
  /** Every measured call's latency, recorded in an HDR histogram (each slice's samples added as it ends). */
  readonly latency: LatencyRecorder;
  /** Sum of the path's slices' wall-clock times, in ms (ops/s = samples ÷ this). */
  readonly wallMs: number;
  readonly rounds: number;
}

/** Path order of round `r`: rotated by r, so each path goes first, second … equally often. */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  const n = items.length;
  return Array.from({ length: n }, (_, k) => items[(k + round) % n]!);
}

/** Calls of round `r` when `total` calls are split over `rounds` (the first `total % rounds` get one more). */
export function sliceSize(total: number, rounds: number, r: number): number {
  return Math.floor(total / rounds) + (r < total % rounds ? 1 : 0);
}

/**
 * Measures every path in `rounds` rounds. A failing call fails the whole measurement, naming the path.
 * @example await measureInterleaved([{ name: 'a', op: readA }, { name: 'b', op: readB }], { iterations: 1000 })
 */
export async function measureInterleaved(
  paths: readonly RoundPath[],
  options: RoundsOptions,
): Promise<RoundsMeasurement[]> {
  const rounds = Math.min(options.rounds ?? 10, options.iterations);
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be a whole number >= 1.`);
  const concurrency = options.concurrency ?? 1;
  const warmup = options.warmup ?? 0;
  const state = new Map(paths.map((p) => [p.name, { latency: new LatencyRecorder(), wallMs: 0, calls: 0 }]));
  const run = async (path: RoundPath, calls: number, round: number, measured: boolean) => {
    const s = state.get(path.name)!;
    const first = s.calls;
    try {
      const m = await measureLatency((i) => path.op(first + i), {
        iterations: calls,
        concurrency,
        ...(options.now ? { now: options.now } : {}),
      });
      if (measured) {
        m.samplesMs.forEach((ms) => s.latency.record(ms));
        s.wallMs += m.wallMs;
      }
    } catch (cause) {
      const when = round < 0 ? 'warm-up' : `round ${round + 1}`;
      throw new Error(`Bench path ${path.name} failed in its ${when}; nothing was reported for it.`, { cause });
    }
    s.calls += calls;
    options.onSlice?.({ path: path.name, round, calls });
  };
  if (warmup > 0) for (const p of paths) await run(p, warmup, -1, false);
  for (let r = 0; r < rounds; r++) {
    const calls = sliceSize(options.iterations, rounds, r);
    for (const p of roundOrder(paths, r)) await run(p, calls, r, true);
  }
  return paths.map((p) => {
    const s = state.get(p.name)!;
    return { name: p.name, latency: s.latency, wallMs: s.wallMs, rounds };
  });
}
