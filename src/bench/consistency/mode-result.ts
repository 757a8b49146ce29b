// One mode in one scenario, summarised: how many reads were stale or failed, how many sessions were non-monotonic,
// where reads went, how long they took, what read-your-writes cost in routing queries, and how reads fared during a
// fault.
import type { RoutingStats } from 'rwsplit';
import { type LatencySummary, summarize } from '../common/percentiles';
import type { BenchMode } from './bench-options';
import type { LagKind } from './lag-injection';
import type { PairOutcome, PairRun, ReadFailure } from './run-pairs';
import type { FaultTimeline } from './start-fault';

/**
 * What the mode's reads cost in routing queries: the router's rw.stats() over the mode's run. Its reads are every
 * routed read of the sessions: the read-backs and the later reads (`--session-reads 1`: the read-backs alone).
 */
export interface RoutingCost extends RoutingStats {
  /**
   * Primary round trips per read: positionQueries ÷ reads. positionQueries includes the health checks' own
   * primary-position queries during the run (a few per second, whatever the load).
   */
  readonly primaryRoundTripsPerRead: number;
  /** positionQueries ÷ positionRequests: per read that followed a write in its session; null with no such read. */
  readonly primaryRoundTripsPerRywRead: number | null;
  /** Replica replay-position queries per read: replayQueries ÷ reads. */
  readonly replayQueriesPerRead: number;
}

/** How reads fared while the fault lasted: reads that overlapped [frozen, restored]. */
export interface FaultSummary extends FaultTimeline {
  /** The fault router's deadline on one replica read. */
  readonly replicaReadTimeoutMs: number;
  /** The most a read may wait: one attempt to the deadline plus one retry (see faultReadBoundMs). */
  readonly readBoundMs: number;
  readonly reads: number;
  /** Their latency (failed reads included: their callers waited too); null when no read overlapped. */
  readonly read: LatencySummary | null;
  readonly failed: number;
  readonly stale: number;
  /** Reads that took a retry (2 routed queries). */
  readonly retried: number;
  /** The slowest of them, with each attempt: where its time went. */
  readonly slowest: SlowRead | null;
}

/** One read and its attempts (node names friendly: standby1 …). */
export interface SlowRead {
  readonly readMs: number;
  /** When it started, in ms from the freeze. */
  readonly afterFreezeMs: number;
  readonly tries: readonly { readonly node: string; readonly ok: boolean; readonly durationMs: number }[];
}
export interface ModeResult {
  readonly scenario: LagKind;
  /** The injected lag in words, e.g. `replay paused 300 ms of every 1000 ms`. */
  readonly lag: string;
  readonly mode: BenchMode;
  /** Pairs that ran (fewer than asked when the run was interrupted). */
  readonly pairs: number;
  /** Reads that did not return the row just written. */
  readonly stale: number;
  /** Reads that threw. */
  readonly failedReads: number;
  /** Every failed read's error. */
  readonly errors: readonly ReadFailure[];
  /** stale ÷ pairs. */
  readonly staleRate: number;
  /** The router's monotonicReads in this mode (false for `eventual-plain`). */
  readonly monotonicReads: boolean;
  /** Reads of the row per session, the read-back included (1: the read-back only). */
  readonly sessionReads: number;
  /** Sessions (pairs) whose read returned the row and a later read of it returned null. */
  readonly nonMonotonic: number;
  /** The reads after the read-back (pairs × (sessionReads − 1), fewer when interrupted). */
  readonly laterReads: number;
  /** Of them, those that threw. */
  readonly laterReadsFailed: number;
  /** Their latency (failed ones included); null when there were none. The `read` figures are the read-back's. */
  readonly laterRead: LatencySummary | null;
  /** Reads served by a replica. */
  readonly replicaReads: number;
  /** replicaReads ÷ pairs. */
  readonly replicaShare: number;
  /** Reads per node (node names: primary, standby1 …). */
  readonly readsPerNode: Readonly<Record<string, number>>;
  /** Reads that fell back to the primary, per reason (`not_caught_up`, `no_eligible_replica`). */
  readonly fallbacks: Readonly<Record<string, number>>;
  /** Latency of the read-back (the session's first read) as the caller sees it, routing included. */
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
  /** Routing queries over the run; null when not measured. */
  readonly routingCost: RoutingCost | null;
  /** The fault scenario's timeline and the reads during it; null in other scenarios. */
  readonly fault: FaultSummary | null;
}

export interface ModeContext {
  readonly scenario: LagKind;
  readonly lag: string;
  readonly mode: BenchMode;
  /** The router's monotonicReads for this mode. */
  readonly monotonicReads: boolean;
  /** Reads of the row per session, as asked. */
  readonly sessionReads: number;
  readonly startMs: number;
  readonly backgroundWrites: number;
  readonly note: string | null;
  /** Friendly name of a router label. */
  nameOf(routerName: string): string;
  /** rw.stats() differences over the run. */
  readonly stats?: RoutingStats;
  /** The fault's timeline, and the router's deadline, in the fault scenario. */
  readonly fault?: {
    readonly timeline: FaultTimeline;
    readonly replicaReadTimeoutMs: number;
    readonly readBoundMs: number;
  };
}

const count = (keys: readonly string[]) => {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
};

/** The stats differences per read. */
export function routingCost(stats: RoutingStats, reads: number): RoutingCost {
  return {
    ...stats,
    primaryRoundTripsPerRead: reads ? stats.positionQueries / reads : 0,
    primaryRoundTripsPerRywRead: stats.positionRequests ? stats.positionQueries / stats.positionRequests : null,
    replayQueriesPerRead: reads ? stats.replayQueries / reads : 0,
  };
}

/** Reads that overlapped the fault: started before it was undone and ended after it began. */
function faultSummary(
  outcomes: readonly PairOutcome[],
  fault: NonNullable<ModeContext['fault']>,
  nameOf: (routerName: string) => string,
): FaultSummary {
  const { timeline } = fault;
  const from = timeline.frozenAtMs ?? timeline.killedAtMs;
  const to = timeline.restoredAtMs ?? Number.POSITIVE_INFINITY;
  const during = from === null ? [] : outcomes.filter((o) => o.readStartMs <= to && o.readStartMs + o.readMs >= from);
  const slowest = during.reduce<PairOutcome | null>((a, o) => (a && a.readMs >= o.readMs ? a : o), null);
  return {
    ...timeline,
    replicaReadTimeoutMs: fault.replicaReadTimeoutMs,
    readBoundMs: fault.readBoundMs,
    reads: during.length,
    read: during.length ? summarize(during.map((o) => o.readMs)) : null,
    failed: during.filter((o) => o.error).length,
    stale: during.filter((o) => o.stale).length,
    retried: during.filter((o) => o.attempts > 1).length,
    slowest:
      slowest && from !== null
        ? {
            readMs: slowest.readMs,
            afterFreezeMs: slowest.readStartMs - from,
            tries: slowest.tries.map((t) => ({ node: nameOf(t.node), ok: t.ok, durationMs: t.durationMs })),
          }
        : null,
  };
}

/** Summarises one run of pairs (which must hold at least one pair). */
export function modeResult(run: PairRun, ctx: ModeContext): ModeResult {
  const { outcomes, wallMs } = run;
  const pairs = outcomes.length;
  const stale = outcomes.filter((o) => o.stale).length;
  const errors = outcomes.flatMap((o) =>
    o.error ? [{ ...o.error, tries: o.error.tries.map((t) => ({ ...t, node: ctx.nameOf(t.node) })) }] : [],
  );
  const served = outcomes.filter((o) => !o.error);
  const later = outcomes.flatMap((o) => o.laterReads);
  const replicaReads = served.filter((o) => o.role === 'replica').length;
  return Object.freeze({
    scenario: ctx.scenario,
    lag: ctx.lag,
    mode: ctx.mode,
    pairs,
    stale,
    staleRate: pairs ? stale / pairs : 0,
    monotonicReads: ctx.monotonicReads,
    sessionReads: ctx.sessionReads,
    nonMonotonic: outcomes.filter((o) => o.nonMonotonic).length,
    laterReads: later.length,
    laterReadsFailed: later.filter((r) => r.error).length,
    laterRead: later.length ? summarize(later.map((r) => r.readMs)) : null,
    failedReads: errors.length,
    errors,
    replicaReads,
    replicaShare: pairs ? replicaReads / pairs : 0,
    readsPerNode: count(served.map((o) => ctx.nameOf(o.node))),
    fallbacks: count(outcomes.flatMap((o) => (o.fallback ? [o.fallback] : []))),
    read: summarize(outcomes.map((o) => o.readMs)),
    write: summarize(outcomes.map((o) => o.writeMs)),
    pairsPerSec: wallMs > 0 ? (pairs / wallMs) * 1000 : 0,
    wallMs,
    backgroundWritesPerSec: wallMs > 0 ? (ctx.backgroundWrites / wallMs) * 1000 : 0,
    startMs: ctx.startMs,
    endMs: ctx.startMs + wallMs,
    note: ctx.note,
    // Per read: the sessions' later reads are routed too.
    routingCost: ctx.stats ? routingCost(ctx.stats, pairs + later.length) : null,
    fault: ctx.fault ? faultSummary(outcomes, ctx.fault, ctx.nameOf) : null,
  });
}
