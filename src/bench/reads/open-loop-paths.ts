// The open-loop part of the bench: the extension read, the router read and the router write, each at every
// offered rate, one after the other (rate by rate, the path order rotating), wrk2 style.
import type { OpenLoopResult } from './bench-report';
import { PATH, type BenchPath } from './bench-paths';
import { roundOrder } from './interleaved-rounds';
import { runOpenLoop } from './open-loop';

/** The paths measured open-loop. */
export const OPEN_LOOP_PATHS = [PATH.extensionRead, PATH.routerRead, PATH.routerWrite] as const;

/** Requests in flight at most per open-loop run: far above the pools (so queueing is the pools'), memory bounded. */
export const OPEN_LOOP_MAX_IN_FLIGHT = 128;

/** Seconds a run may go on after its schedule for the requests in flight (then they count as unfinished). */
export const OPEN_LOOP_DRAIN_SECONDS = 5;

export interface OpenLoopPlan {
  readonly rates: readonly number[];
  readonly seconds: number;
  /** Called after each run with the ms of schedule it covered (for progress). */
  readonly onRun?: (scheduleMs: number) => void;
  readonly log?: (line: string) => void;
}

/** Runs every path of OPEN_LOOP_PATHS found in `paths` at every rate; a failing run fails all, naming it. */
export async function measureOpenLoop(paths: readonly BenchPath[], plan: OpenLoopPlan): Promise<OpenLoopResult[]> {
  const chosen = OPEN_LOOP_PATHS.flatMap((name) => paths.filter((p) => p.name === name));
  const results: OpenLoopResult[] = [];
  const calls = new Map<string, number>();
  for (const [r, rate] of plan.rates.entries()) {
    for (const path of roundOrder(chosen, r)) {
      // Indexes go on from the path's earlier runs, so every write's text is its own.
      const first = calls.get(path.name) ?? 1_000_000;
      let m;
      try {
        m = await runOpenLoop((i) => path.op(first + i), {
          ratePerSec: rate,
          seconds: plan.seconds,
          maxInFlight: OPEN_LOOP_MAX_IN_FLIGHT,
          drainMs: OPEN_LOOP_DRAIN_SECONDS * 1000,
        });
      } catch (cause) {
        throw new Error(`Open-loop ${path.name} at ${rate}/s failed; nothing was reported for it.`, { cause });
      }
      calls.set(path.name, first + m.scheduled);
      const s = m.latency.count > 0 ? m.latency.summary() : null;
      // The wall time and the histogram stay here: the report keeps the counts and the percentiles.
      const { wallMs, latency, ...counts } = m;
      results.push({
        ...counts,
        path: path.name,
        seconds: plan.seconds,
        p50Ms: s?.p50Ms ?? null,
        p99Ms: s?.p99Ms ?? null,
        p999Ms: s?.p999Ms ?? null,
        meanMs: s?.meanMs ?? null,
        maxMs: s?.maxMs ?? null,
      });
      plan.log?.(
        `open loop ${path.name} at ${rate}/s: ${m.completed}/${m.scheduled} done, ${Math.round(m.achievedPerSec)}/s achieved` +
          (m.lateIssued + m.notIssued + m.unfinished > 0
            ? ` (${m.lateIssued} late, ${m.notIssued} not issued, ${m.unfinished} unfinished)`
            : ''),
      );
      plan.onRun?.(plan.seconds * 1000);
    }
  }
  return results;
}
