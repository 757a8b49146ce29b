// One leader change's figures for the report and the JSON file, taken from a LeaderChangeRun: counts instead of
// the thousands of attempts, times relative to the action.
import type { EventLog } from './event-log';
import { checkHaTargets, type TargetCheck } from './ha-targets';
import type { LeaderChangeKind, LeaderChangeRun } from './run-leader-change';

export interface HaScenarioResult {
  readonly kind: LeaderChangeKind;
  readonly from: string;
  readonly to: string;
  readonly toAddress: string;
  /** First failed write sent → first write acknowledged after it, ms (0: none failed; null: never resumed). */
  readonly writeUnavailabilityMs: number | null;
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

export function haScenarioResult(run: LeaderChangeRun, events: EventLog, since: number): HaScenarioResult {
  const { workload, unavailability: u } = run;
  const failures = workload.writes.flatMap((w) => (w.failure ? [w.failure] : []));
  const rel = (at: number | null) => (at === null ? null : at - run.actionAt);
  const figures = {
    readsFailed: workload.failedReads.length,
    writesLost: run.lostWrites.length,
    writeUnavailabilityMs: u.windowMs,
    patroniLeaderChangeMs: run.patroniLeaderChangeMs,
  };
  return {
    kind: run.kind,
    from: run.from,
    to: run.to,
    toAddress: run.toAddress,
    ...figures,
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
    rawErrors:
      failures.filter((f) => f.kind === 'raw').length + workload.failedReads.filter((r) => r.kind === 'raw').length,
    reads: workload.reads,
    readsFailedByCode: countBy(workload.failedReads.map((r) => r.code)),
    staleReads: workload.staleReads.length,
    primaryFallbackReads: countBy(events.named('primary_fallback_read', since).map((e) => e.reason)),
    events: events
      .since(since)
      .filter((e) => e.event.event !== 'primary_fallback_read')
      .map((e) => ({ atMs: Math.round(e.at - run.actionAt), event: e.event })),
    targets: checkHaTargets(figures),
  };
}
