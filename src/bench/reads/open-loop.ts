// Open-loop load, wrk2 style: requests start on a fixed schedule (one every 1/rate s) whatever the responses, and
// each latency counts from the request's INTENDED start. A stall therefore shows as queueing delay in the
// requests scheduled behind it, instead of silently pausing the load (coordinated omission, as in a closed loop).
import { performance } from 'node:perf_hooks';
import { LatencyRecorder } from '../common/latency-recorder';

export interface OpenLoopOptions {
  /** Offered load: requests started per second. */
  readonly ratePerSec: number;
  /** Length of the schedule in seconds: rate × seconds requests (at least 1). */
  readonly seconds: number;
  /** Upper bound on the requests scheduled, whatever the rate and seconds. Default 1,000,000. */
  readonly maxRequests?: number;
  /**
   * Requests in flight at most. A request due while this many are in flight starts when one returns (late), and
   * its latency still counts from its intended start. Bounds memory when the path cannot keep up. Default 128.
   */
  readonly maxInFlight?: number;
  /** A request starting more than this after its intended start counts as issued late. Default 5 ms. */
  readonly lateMs?: number;
  /**
   * How long after the end of the schedule the run may last: requests not yet issued by then are dropped (not
   * issued) and requests still in flight are given up (unfinished). Default 5000 ms.
   */
  readonly drainMs?: number;
  /** Clock in ms; injectable for tests. Default performance.now. */
  readonly now?: () => number;
}

export interface OpenLoopMeasurement {
  readonly offeredPerSec: number;
  /** Requests completed per second, from the first intended start to the last completion. */
  readonly achievedPerSec: number;
  readonly scheduled: number;
  readonly issued: number;
  readonly completed: number;
  /** Requests issued more than `lateMs` after their intended start (in-flight cap reached, or a busy loop). */
  readonly lateIssued: number;
  /** The largest delay between a request's intended and actual start, in ms. */
  readonly maxIssueDelayMs: number;
  /** Scheduled requests dropped because the run's time bound ran out before they could start. */
  readonly notIssued: number;
  /** Requests still in flight at the time bound: recorded with the time they had waited (a lower bound). */
  readonly unfinished: number;
  /** From the first intended start to the last completion (or the time bound), in ms. */
  readonly wallMs: number;
  /** Latency of every completed (and unfinished) request from its intended start. */
  readonly latency: LatencyRecorder;
}

/** Resolves after `ms`, or as soon as `until` settles; never leaves a timer behind. */
async function sleep(ms: number, until?: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms));
  });
  try {
    await (until ? Promise.race([elapsed, until]) : elapsed);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `op(i)` for i = 0, 1, … at `ratePerSec`, open-loop. A failing request stops the schedule; the run then
 * fails with it (after the requests in flight settle or the time bound passes), naming the request.
 * @example await runOpenLoop(() => client.testReplication.findMany(latest), { ratePerSec: 1000, seconds: 5 })
 */
export async function runOpenLoop(
  op: (i: number) => Promise<unknown>,
  options: OpenLoopOptions,
): Promise<OpenLoopMeasurement> {
  const rate = options.ratePerSec;
  if (!(Number.isFinite(rate) && rate > 0)) throw new RangeError(`ratePerSec must be > 0, got ${rate}.`);
  if (!(Number.isFinite(options.seconds) && options.seconds > 0)) {
    throw new RangeError(`seconds must be > 0, got ${options.seconds}.`);
  }
  const now = options.now ?? (() => performance.now());
  const maxInFlight = options.maxInFlight ?? 128;
  const lateMs = options.lateMs ?? 5;
  const intervalMs = 1000 / rate;
  const scheduled = Math.max(1, Math.min(options.maxRequests ?? 1_000_000, Math.round(rate * options.seconds)));
  const latency = new LatencyRecorder();
  const inFlight = new Map<Promise<void>, number>();
  let slot: { promise: Promise<void>; free: () => void } | null = null;
  const slotFreed = () => {
    if (!slot) {
      let free = () => undefined as void;
      const promise = new Promise<void>((resolve) => (free = resolve));
      slot = { promise, free };
    }
    return slot.promise;
  };
  let failure: { index: number; error: unknown } | null = null;
  let closed = false;
  let [issued, completed, lateIssued, maxIssueDelayMs, lastDone] = [0, 0, 0, 0, 0];

  const start = now();
  const deadline = start + scheduled * intervalMs + (options.drainMs ?? 5000);
  for (let i = 0; i < scheduled && failure === null; i++) {
    const intended = start + i * intervalMs;
    // Timers work in whole ms and may fire a little early: sleep again until the intended start has come, so no
    // request starts before it (its latency would count time it did not wait).
    if (intended > now()) {
      while (intended > now() && now() < deadline) await sleep(Math.ceil(Math.min(intended, deadline) - now()));
    } else if (i % 16 === 0) {
      // Behind schedule: still let responses in now and then, or a late loop would starve them.
      await new Promise((resolve) => setImmediate(resolve));
    }
    while (inFlight.size >= maxInFlight && failure === null && now() < deadline) {
      await sleep(deadline - now(), slotFreed());
    }
    if (failure !== null || now() >= deadline) break;
    const delay = now() - intended;
    if (delay > lateMs) lateIssued++;
    maxIssueDelayMs = Math.max(maxIssueDelayMs, delay);
    issued++;
    const request: Promise<void> = op(i)
      .then(
        () => {
          if (closed) return;
          const done = now();
          latency.record(done - intended);
          completed++;
          lastDone = Math.max(lastDone, done);
        },
        (error: unknown) => {
          failure ??= { index: i, error };
        },
      )
      .finally(() => {
        inFlight.delete(request);
        slot?.free();
        slot = null;
      });
    inFlight.set(request, intended);
  }
  if (inFlight.size > 0) await sleep(deadline - now(), Promise.all(inFlight.keys()));
  closed = true;
  const end = now();
  // Given up at the time bound: they waited at least this long, so they count, as a lower bound.
  for (const intended of inFlight.values()) latency.record(end - intended);
  if (failure !== null) {
    const { index, error } = failure;
    throw new Error(`Open-loop request ${index} failed at ${rate}/s; nothing was reported for this rate.`, {
      cause: error,
    });
  }
  const wallMs = (inFlight.size > 0 ? end : Math.max(lastDone, start + scheduled * intervalMs)) - start;
  return {
    offeredPerSec: rate,
    achievedPerSec: wallMs > 0 ? (completed / wallMs) * 1000 : 0,
    scheduled,
    issued,
    completed,
    lateIssued,
    maxIssueDelayMs,
    notIssued: scheduled - issued,
    unfinished: inFlight.size,
    wallMs,
    latency,
  };
}
