// One replication mode's figures over its leader changes, for the side-by-side comparison: the write latency in
// steady state (what synchronous replication costs every write), and what the leader changes lost, failed and held.
import { LatencyRecorder, type LatencySummary } from '../common/latency-recorder';
import type { SynchronousMode } from '../../ha/synchronous-mode';
import { type HaScenarioResult, steadyWriteLatenciesMs } from './ha-scenario-result';
import { patroniModeOf, type ReplicationMode } from './replication-mode';
import type { WriteAttempt } from './write-read-workload';

export interface ModeSummary {
  readonly mode: ReplicationMode;
  /** The Patroni synchronous mode the run set for it. */
  readonly patroniSynchronousMode: SynchronousMode;
  /** Steady-state write latency (no leader change; in synchronous mode a sync standby named); null with none. */
  readonly writeLatency: LatencySummary | null;
  /**
   * Where it was measured: `interleaved`, the windows the modes took turns in (see interleaved-write-latency.ts);
   * `warm-up`, the writes acknowledged before each leader change's action (when no interleaved round ran).
   */
  readonly writeLatencySource: 'interleaved' | 'warm-up';
  readonly leaderChanges: number;
  /** Summed over the mode's leader changes. */
  readonly writesAcknowledged: number;
  readonly writesLost: number;
  /** Failed writes of any kind, outcome-unknown included. */
  readonly writesFailed: number;
  readonly writesHeld: number;
  readonly readsFailed: number;
}

/** What one leader change contributes: its attempts, its action's time, and its figures. */
export interface ModeRun {
  readonly writes: readonly WriteAttempt[];
  /** performance.now() of the action. */
  readonly actionAt: number;
  readonly result: HaScenarioResult;
}

/**
 * The mode's figures from its leader changes; the write latency from `steady` (the interleaved windows) when given
 * with samples, else from the leader changes' warm-ups.
 */
export function modeSummary(mode: ReplicationMode, runs: readonly ModeRun[], steady?: LatencyRecorder): ModeSummary {
  const fromWarmUps = !steady || steady.count === 0;
  const latency = fromWarmUps ? new LatencyRecorder() : steady;
  if (fromWarmUps) {
    for (const run of runs) for (const ms of steadyWriteLatenciesMs(run.writes, run.actionAt)) latency.record(ms);
  }
  const sum = (f: (r: HaScenarioResult) => number) => runs.reduce((n, run) => n + f(run.result), 0);
  return {
    mode,
    patroniSynchronousMode: patroniModeOf(mode),
    writeLatency: latency.count > 0 ? latency.summary() : null,
    writeLatencySource: fromWarmUps ? 'warm-up' : 'interleaved',
    leaderChanges: runs.length,
    writesAcknowledged: sum((r) => r.writesAcknowledged),
    writesLost: sum((r) => r.writesLost),
    writesFailed: sum((r) => Object.values(r.failedWritesByCode).reduce((a, b) => a + b, 0)),
    writesHeld: sum((r) => r.heldWrites.count),
    readsFailed: sum((r) => r.readsFailed),
  };
}
