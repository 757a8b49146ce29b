// One mode in one scenario, summarised: how many reads were stale, where reads went, how long they took.
import { type LatencySummary, summarize } from '../bench/percentiles';
import type { BenchMode } from './bench-options';
import type { LagKind } from './lag-injection';
import type { PairRun } from './run-pairs';

export interface ModeResult {
  readonly scenario: LagKind;
  /** The injected lag in words, e.g. `replay paused 300 ms of every 1000 ms`. */
  readonly lag: string;
  readonly mode: BenchMode;
  /** Pairs that ran (fewer than asked when the run was interrupted). */
  readonly pairs: number;
  /** Reads that did not return the row just written. */
  readonly stale: number;
  /** stale ÷ pairs. */
  readonly staleRate: number;
  /** Reads served by a replica. */
  readonly replicaReads: number;
  /** replicaReads ÷ pairs. */
  readonly replicaShare: number;
  /** Reads per node (node names: primary, standby1 …). */
  readonly readsPerNode: Readonly<Record<string, number>>;
  /** Reads that fell back to the primary, per reason (`not_caught_up`, `no_eligible_replica`). */
  readonly fallbacks: Readonly<Record<string, number>>;
  /** Read latency as the caller sees it, routing included. */
  readonly read: LatencySummary;
  readonly write: LatencySummary;
  readonly pairsPerSec: number;
  readonly wallMs: number;
  /** Background inserts per second committed while this mode ran. */
  readonly backgroundWritesPerSec: number;
  /** When the mode ran, in ms from the start of the run (to find it on the lag charts). */
  readonly startMs: number;
  readonly endMs: number;
  /** Anything particular to this mode's run, e.g. the synchronous_standby_names remote_apply ran under. */
  readonly note: string | null;
}

export interface ModeContext {
  readonly scenario: LagKind;
  readonly lag: string;
  readonly mode: BenchMode;
  readonly startMs: number;
  readonly backgroundWrites: number;
  readonly note: string | null;
  /** Friendly name of a router label. */
  nameOf(routerName: string): string;
}

const count = (keys: readonly string[]) => {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
};

/** Summarises one run of pairs (which must hold at least one pair). */
export function modeResult(run: PairRun, ctx: ModeContext): ModeResult {
  const { outcomes, wallMs } = run;
  const pairs = outcomes.length;
  const stale = outcomes.filter((o) => o.stale).length;
  const replicaReads = outcomes.filter((o) => o.role === 'replica').length;
  return Object.freeze({
    scenario: ctx.scenario,
    lag: ctx.lag,
    mode: ctx.mode,
    pairs,
    stale,
    staleRate: pairs ? stale / pairs : 0,
    replicaReads,
    replicaShare: pairs ? replicaReads / pairs : 0,
    readsPerNode: count(outcomes.map((o) => ctx.nameOf(o.node))),
    fallbacks: count(outcomes.flatMap((o) => (o.fallback ? [o.fallback] : []))),
    read: summarize(outcomes.map((o) => o.readMs)),
    write: summarize(outcomes.map((o) => o.writeMs)),
    pairsPerSec: wallMs > 0 ? (pairs / wallMs) * 1000 : 0,
    wallMs,
    backgroundWritesPerSec: wallMs > 0 ? (ctx.backgroundWrites / wallMs) * 1000 : 0,
    startMs: ctx.startMs,
    endMs: ctx.startMs + wallMs,
    note: ctx.note,
  });
}
