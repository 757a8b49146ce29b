// One mode's fault, on a schedule from the start of its run: freeze the first standby, kill the second, then thaw
// and restart both and wait until the primary streams to them again. Every step goes through the restore ledger
// first; the restore runs whatever happens (a failed step, stop() called early, the abort signal), and a frozen
// server is also SIGCONTed synchronously if the process exits before it (a third Ctrl-C).
import type { FaultSpec } from './fault-spec';
import type { NodeControl } from './node-control';
import type { RestoreAction, RestoreLedger } from './restore-ledger';
import { signalAll } from './server-processes';

/** How long the restore waits for both standbys to stream again, in ms. */
const STREAMING_TIMEOUT_MS = 60_000;

/** When each step happened, in ms on the run's clock; null when it did not (interrupted first, or no node). */
export interface FaultTimeline {
  /** The standby frozen (SIGSTOP). */
  readonly frozen: string;
  /** The standby killed, or null with a single standby. */
  readonly killed: string | null;
  readonly frozenAtMs: number | null;
  readonly killedAtMs: number | null;
  /** Both processes back: SIGCONT sent and the killed standby started again. */
  readonly restoredAtMs: number | null;
  /** The primary lists every standby as streaming again. */
  readonly streamingAtMs: number | null;
}

export interface FaultRun {
  /** True once the restore has finished (successfully or not): pairs may stop. */
  readonly over: boolean;
  /** Restores at once if the schedule has not yet, waits for it, and returns the timeline; rethrows a failure. */
  stop(): Promise<FaultTimeline>;
}

export interface FaultOptions {
  /** The run's clock, in ms (the same the pairs' read times are on). */
  readonly clock: () => number;
  /** Aborting restores at once. */
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
}

/** Starts the schedule now; `standbys` are node names (the first is frozen, the second killed). */
export function startFault(
  spec: FaultSpec,
  standbys: readonly string[],
  control: NodeControl,
  ledger: RestoreLedger,
  options: FaultOptions,
): FaultRun {
  const { clock, signal, log } = options;
  const frozen = standbys[0];
  if (frozen === undefined) throw new Error('The fault scenario needs at least one standby.');
  const killed = standbys[1] ?? null;
  const started = clock();
  const timeline: { -readonly [K in keyof FaultTimeline]: FaultTimeline[K] } = {
    frozen,
    killed,
    frozenAtMs: null,
    killedAtMs: null,
    restoredAtMs: null,
    streamingAtMs: null,
  };
  let cancelled = false;
  let over = false;
  let wake: () => void = () => undefined;
  const cancel = () => {
    cancelled = true;
    wake();
  };
  signal?.addEventListener('abort', cancel, { once: true });
  const sleepUntil = (atMs: number) =>
    new Promise<void>((resolve) => {
      const wait = started + atMs - clock();
      if (cancelled || wait <= 0) return resolve();
      const timer = setTimeout(resolve, wait);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const thaw: RestoreAction = { kind: 'thaw', node: frozen };
  const restart: RestoreAction | null = killed ? { kind: 'start', node: killed } : null;
  let frozenPids: number[] = [];
  // Synchronous: on process exit nothing asynchronous runs any more. Starting the killed node is left to the next
  // run's ledger.
  const thawAtExit = () => {
    try {
      signalAll(frozenPids, 'SIGCONT');
    } catch {
      // Exiting anyway; the ledger file says what is left.
    }
  };
  const steps = [
    {
      atMs: spec.freezeAtMs,
      run: async () => {
        process.on('exit', thawAtExit);
        // Stamped when the signals go out: reads from then on may hang.
        const at = clock();
        await ledger.apply(thaw, async () => {
          frozenPids = await control.freeze(frozen);
        });
        timeline.frozenAtMs = at;
        log?.(`fault: ${frozen} frozen (SIGSTOP of ${frozenPids.length} server processes)`);
      },
    },
    ...(restart && killed
      ? [
          {
            atMs: spec.killAtMs,
            run: async () => {
              // Stamped when pg_ctl is called: the server goes down during that call.
              const at = clock();
              await ledger.apply(restart, () => control.kill(killed));
              timeline.killedAtMs = at;
              log?.(`fault: ${killed} killed (immediate stop)`);
            },
          },
        ]
      : []),
  ].sort((a, b) => a.atMs - b.atMs);

  const restore = async (): Promise<void> => {
    const failures: unknown[] = [];
    const attempt = async (fn: () => Promise<void>) => {
      await fn().catch((err: unknown) => failures.push(err));
    };
    // Undone whether or not the step completed: a freeze that failed half-way may have stopped some processes.
    if (ledger.pending.some((a) => a.kind === 'thaw' && a.node === frozen)) await attempt(() => ledger.undo(thaw));
    process.off('exit', thawAtExit);
    if (restart && ledger.pending.some((a) => a.kind === 'start' && a.node === killed)) {
      await attempt(() => ledger.undo(restart));
    }
    timeline.restoredAtMs = clock();
    log?.('fault: both standbys restored (SIGCONT, restart); waiting for them to stream again');
    await attempt(async () => {
      await control.waitForStreaming(STREAMING_TIMEOUT_MS);
      timeline.streamingAtMs = clock();
    });
    if (failures.length > 0) {
      throw new AggregateError(failures, `Undoing the fault failed: ${failures.map(String).join('; ')}`);
    }
  };

  const schedule = (async () => {
    try {
      for (const step of steps) {
        await sleepUntil(step.atMs);
        if (cancelled) break;
        await step.run();
      }
      await sleepUntil(spec.restoreAtMs);
    } finally {
      try {
        await restore();
      } finally {
        over = true;
        signal?.removeEventListener('abort', cancel);
      }
    }
  })();
  // Held until stop(): a failure surfaces there, after the restore.
  const outcome = schedule.then(
    () => null,
    (err: unknown) => ({ err }),
  );
  return {
    get over() {
      return over;
    },
    stop: async () => {
      cancel();
      const failed = await outcome;
      if (failed)
        throw new Error('The fault scenario failed (the standbys have been restored).', { cause: failed.err });
      return { ...timeline };
    },
  };
}
