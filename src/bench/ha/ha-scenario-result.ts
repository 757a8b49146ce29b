// One leader change's figures for the report and the JSON file, taken from a LeaderChangeRun: counts instead of
// the thousands of attempts, times relative to the action.
import { LatencyRecorder, type LatencySummary } from '../common/latency-recorder';
import type { EventLog } from './event-log';
import { checkHaTargets, type TargetCheck } from './ha-targets';
import { heldWritesSummary, type HeldWritesSummary, writeHeldEvents } from './held-writes';
import type { ReplicationMode } from './replication-mode';
import type { LeaderChangeKind, LeaderChangeRun } from './run-leader-change';
import type { WriteAttempt } from './write-read-workload';

export interface HaScenarioResult {
  /** The replication mode the cluster ran in (async, or Patroni's synchronous mode). */
  readonly mode: ReplicationMode;
  readonly kind: LeaderChangeKind;
  readonly from: string;
  readonly to: string;
  readonly toAddress: string;
  /**
   * How long writes were unavailable, ms: the longest time no write was acknowledged (writes failing, or held by
   * the router until the new primary), or, if longer, from the first failed write sent to the first write
   * acknowledged after it. Null when writes never resumed after failing.
   */
  readonly writeUnavailabilityMs: number | null;
  /** First failed write sent → first write acknowledged after it, ms (0: none failed; null: never resumed). */
  readonly failedWriteWindowMs: number | null;
  /** Switchover request / SIGKILL → the new leader accepting a write over plain pg (50 ms polls), ms. */
  readonly patroniLeaderChangeMs: number;
  /** When the first write failed and writes resumed, ms after the action (null when none failed). */
  readonly firstFailedWriteAtMs: number | null;
  readonly writesResumedAtMs: number | null;
  readonly longestAckGapMs: number;
  readonly failuresAfterRecovery: number;
  readonly writesAcknowledged: number;
  readonly writesLost: number;
  /** Each lost write: its value and when it was sent and acknowledged, ms after the action. */
  readonly lostWrites: readonly {
    readonly value: string;
    readonly sentAtMs: number;
    readonly acknowledgedAtMs: number;
  }[];
  readonly writesOutcomeUnknown: number;
  /** Of the outcome-unknown writes, how many are on the new leader. */
  readonly outcomeUnknownApplied: number;
  /** Failed writes by error code (outcome-unknown included); a raw error shows under its class name. */
  readonly failedWritesByCode: Readonly<Record<string, number>>;
  /** Writes the router held for lack of a primary (its `write_held` events), with their wait. */
  readonly heldWrites: HeldWritesSummary;
  /** Latency of the writes acknowledged before the action (steady state); null with none. */
  readonly steadyWriteLatency: LatencySummary | null;
  /** Failed writes (and reads) that were not RwsplitErrors. */
  readonly rawErrors: number;
  readonly reads: number;
  readonly readsFailed: number;
  readonly readsFailedByCode: Readonly<Record<string, number>>;
  readonly staleReads: number;
  /** Reads served by the primary because no replica qualified, by reason (counted, not listed). */
  readonly primaryFallbackReads: Readonly<Record<string, number>>;
  /** rwsplit's other events during the run (queries, checks and fallbacks left out), ms after the action. */
  readonly events: readonly { readonly atMs: number; readonly event: unknown }[];
  readonly targets: readonly TargetCheck[];
}

function countBy(codes: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of codes) counts[c] = (counts[c] ?? 0) + 1;
  return counts;
}

export function haScenarioResult(
  mode: ReplicationMode,
  run: LeaderChangeRun,
  events: EventLog,
  since: number,
): HaScenarioResult {
  const { workload, unavailability: u } = run;
  const failures = workload.writes.flatMap((w) => (w.failure ? [w.failure] : []));
  const rel = (at: number | null) => (at === null ? null : at - run.actionAt);
  const figures = {
    readsFailed: workload.failedReads.length,
    writesLost: run.lostWrites.length,
    // Writes the router holds do not fail: they stall. The stall shows as a gap between acknowledgements.
    writeUnavailabilityMs: u.windowMs === null ? null : Math.max(u.windowMs, u.longestAckGapMs),
    patroniLeaderChangeMs: run.patroniLeaderChangeMs,
  };
  const steady = steadyWriteLatenciesMs(workload.writes, run.actionAt);
  return {
    mode,
    kind: run.kind,
    from: run.from,
    to: run.to,
    toAddress: run.toAddress,
    ...figures,
    failedWriteWindowMs: u.windowMs,
    firstFailedWriteAtMs: rel(u.firstFailureAt),
    writesResumedAtMs: rel(u.recoveredAt),
    longestAckGapMs: u.longestAckGapMs,
    failuresAfterRecovery: u.failuresAfterRecovery,
    writesAcknowledged: workload.acknowledged.length,
    lostWrites: run.lostWrites.flatMap((value) =>
      workload.writes
        .filter((w) => w.value === value)
        .map((w) => ({
          value,
          sentAtMs: Math.round(w.startedAt - run.actionAt),
          acknowledgedAtMs: Math.round(w.endedAt - run.actionAt),
        })),
    ),
    writesOutcomeUnknown: workload.outcomeUnknown.length,
    outcomeUnknownApplied: run.outcomeUnknownApplied,
    failedWritesByCode: countBy(failures.map((f) => f.code)),
    heldWrites: heldWritesSummary(events.since(since).map((e) => e.event)),
    steadyWriteLatency: steady.length > 0 ? LatencyRecorder.of(steady).summary() : null,
    rawErrors:
      failures.filter((f) => f.kind === 'raw').length + workload.failedReads.filter((r) => r.kind === 'raw').length,
    reads: workload.reads,
    readsFailedByCode: countBy(workload.failedReads.map((r) => r.code)),
    staleReads: workload.staleReads.length,
    primaryFallbackReads: countBy(events.named('primary_fallback_read', since).map((e) => e.reason)),
    events: events
      .since(since)
      // Held writes are summarised above; one event each would fill the file.
      .filter((e) => e.event.event !== 'primary_fallback_read' && writeHeldEvents([e.event]).length === 0)
      .map((e) => ({ atMs: Math.round(e.at - run.actionAt), event: e.event })),
    targets: checkHaTargets(figures),
  };
}

/** Latencies (ms) of the writes acknowledged before `actionAt`: the steady state before a leader change. */
export function steadyWriteLatenciesMs(writes: readonly WriteAttempt[], actionAt: number): number[] {
  return writes.filter((w) => w.failure === null && w.endedAt <= actionAt).map((w) => w.endedAt - w.startedAt);
}
