// Lag injected on the standbys for one scenario: replay paused on a schedule (paused X ms out of every Y ms),
// recovery_min_apply_delay, or replay paused on the second standby for the whole scenario while the first streams
// (split). Every change goes through the restore ledger first, and `stop()` always undoes it.
import pg from 'pg';
import { queryOnce } from '../../db/pg-client';
import { PAUSE_REPLAY, RESUME_REPLAY } from './admin-sql';
import type { AdminAccess } from './bench-nodes';
import { describeFault, type FaultSpec } from './fault-spec';
import type { RestoreAction, RestoreLedger } from './restore-ledger';
import { applySetting, saveSetting } from './system-setting';

/** What lag a scenario injects. */
export type LagSpec =
  | { readonly kind: 'none' }
  /** Replay paused on every standby for `pauseMs` of every `periodMs` (all standbys together). */
  | { readonly kind: 'pause'; readonly pauseMs: number; readonly periodMs: number }
  /** recovery_min_apply_delay on every standby: each commit becomes visible there `delayMs` after it happened. */
  | { readonly kind: 'delay'; readonly delayMs: number }
  /** Not lag but a failure, in every mode's run: see FaultSpec (fault-spec.ts). Nothing is injected per scenario. */
  | FaultSpec
  /**
   * Replay paused on the second standby for the whole scenario, the first streaming: a session's reads that move
   * between the two see the row, then not. The scenario's routers raise maxLagMs and maxLagBytes (SPLIT_ROUTING)
   * so that the paused standby stays eligible throughout.
   */
  | { readonly kind: 'split' };

export type LagKind = LagSpec['kind'];

/** One line for tables and reports. */
export function describeLag(spec: LagSpec): string {
  if (spec.kind === 'none') return 'no injected lag';
  if (spec.kind === 'pause') return `replay paused ${spec.pauseMs} ms of every ${spec.periodMs} ms`;
  if (spec.kind === 'fault') return describeFault(spec);
  if (spec.kind === 'split') {
    return (
      'replay paused on the second standby for the whole scenario, the first streaming (router: maxLagMs ' +
      `${SPLIT_ROUTING.maxLagMs}, maxLagBytes ${SPLIT_ROUTING.maxLagBytes}, so that it stays eligible)`
    );
  }
  return `recovery_min_apply_delay ${spec.delayMs} ms`;
}

/**
 * The worst lag the spec injects, in ms (0 for none): compared with maxLagMs to say "under the threshold". A
 * frozen standby replays nothing until it is thawed, so its lag has no bound.
 */
export function injectedLagMs(spec: LagSpec): number {
  if (spec.kind === 'fault' || spec.kind === 'split') return Number.POSITIVE_INFINITY;
  return spec.kind === 'none' ? 0 : spec.kind === 'pause' ? spec.pauseMs : spec.delayMs;
}

/**
 * The split scenario's router thresholds: a standby paused for the whole scenario stays eligible (a day of lag, a
 * TiB of WAL), so that sessions do read from it and monotonic reads are put to the test.
 */
export const SPLIT_ROUTING = Object.freeze({ maxLagMs: 86_400_000, maxLagBytes: 1024 ** 4 });

/** A duration as PostgreSQL prints a ms setting: the largest unit that holds it exactly (200ms, 1s, 1min). */
export function pgDurationText(ms: number): string {
  if (ms === 0) return '0';
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1000],
  ];
  for (const [unit, size] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

export interface LagInjection {
  readonly spec: LagSpec;
  /** Pause/resume cycles begun so far (pause schedule only). */
  readonly cycles: number;
  /** Stops injecting and undoes every change (also after a failure of the schedule, which it then rethrows). */
  stop(): Promise<void>;
}

const RECOVERY_MIN_APPLY_DELAY = 'recovery_min_apply_delay';

/** Starts injecting `spec` on `standbys` (node names). Returns once the lag is in place. */
export async function injectLag(
  spec: LagSpec,
  standbys: readonly string[],
  access: AdminAccess,
  ledger: RestoreLedger,
): Promise<LagInjection> {
  // A fault is started and undone by each mode's run (runMode), so that every mode runs through all of it.
  if (spec.kind === 'none' || spec.kind === 'fault') return { spec, cycles: 0, stop: async () => undefined };
  if (spec.kind === 'split') return pauseSecondStandby(spec, standbys, access, ledger);
  if (spec.kind === 'delay') {
    const actions: RestoreAction[] = [];
    for (const node of standbys) {
      const target = access.admin(node);
      const saved = await saveSetting(target, RECOVERY_MIN_APPLY_DELAY);
      const action: RestoreAction = { kind: 'setting', node, saved };
      await ledger.apply(action, () =>
        applySetting(target, RECOVERY_MIN_APPLY_DELAY, `${spec.delayMs}ms`, pgDurationText(spec.delayMs)),
      );
      actions.push(action);
    }
    return {
      spec,
      cycles: 0,
      stop: async () => {
        for (const action of actions) await ledger.undo(action);
      },
    };
  }
  return startPauseSchedule(spec, standbys, access, ledger);
}

/** Split: replay paused on the second standby until stop(); the others stream. */
async function pauseSecondStandby(
  spec: Extract<LagSpec, { kind: 'split' }>,
  standbys: readonly string[],
  access: AdminAccess,
  ledger: RestoreLedger,
): Promise<LagInjection> {
  const node = standbys[1];
  if (node === undefined) {
    throw new Error('The split scenario pauses the second standby while the first streams: it needs two standbys.');
  }
  const action: RestoreAction = { kind: 'resume-replay', node };
  try {
    await ledger.apply(action, async () => {
      await queryOnce(access.admin(node), PAUSE_REPLAY);
    });
  } catch (cause) {
    await ledger.undo(action).catch(() => undefined);
    throw new Error(`Could not pause replay on ${node} (superuser connection over the socket).`, { cause });
  }
  return { spec, cycles: 0, stop: () => ledger.undo(action) };
}

async function startPauseSchedule(
  spec: Extract<LagSpec, { kind: 'pause' }>,
  standbys: readonly string[],
  access: AdminAccess,
  ledger: RestoreLedger,
): Promise<LagInjection> {
  const clients = standbys.map((node) => {
    const c = new pg.Client(access.admin(node));
    c.on('error', () => undefined);
    return c;
  });
  const actions = standbys.map((node) => ({ kind: 'resume-replay' as const, node }));
  let stopped = false;
  let wake: () => void = () => undefined;
  let cycles = 0;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const all = (sql: string) => Promise.all(clients.map((c) => c.query(sql)));
  try {
    await Promise.all(clients.map((c) => c.connect()));
    for (const action of actions) await ledger.apply(action, async () => undefined);
    // The first pause before returning: the lag is in place when the caller starts measuring.
    await all(PAUSE_REPLAY);
    cycles = 1;
  } catch (cause) {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    for (const action of actions) await ledger.undo(action).catch(() => undefined);
    throw new Error('Could not pause replay on the standbys (superuser connections over the socket).', { cause });
  }
  const loop = (async () => {
    for (;;) {
      if (!stopped) await sleep(spec.pauseMs);
      await all(RESUME_REPLAY);
      if (!stopped) await sleep(spec.periodMs - spec.pauseMs);
      if (stopped) return;
      cycles++;
      await all(PAUSE_REPLAY);
    }
  })();
  // Held until stop(): a failing toggle ends the loop, and stop() reports it after restoring.
  const outcome = loop.then(
    () => null,
    (err: unknown) => err,
  );
  return {
    spec,
    get cycles() {
      return cycles;
    },
    stop: async () => {
      stopped = true;
      wake();
      const failure = await outcome;
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      for (const action of actions) await ledger.undo(action);
      if (failure) throw new Error('The replay pause schedule failed (replay has been resumed).', { cause: failure });
    },
  };
}
