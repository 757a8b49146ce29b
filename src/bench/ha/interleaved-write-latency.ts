// What synchronous replication costs each write, measured fairly on a shared, noisy machine: the modes take turns in
// short windows of the same workload, in ABBA order (async, sync, sync, async, …), so that a slow spell of the
// machine, or a trend across the run, weighs on every mode alike instead of on whichever ran first. The mode changes
// between windows on the running cluster; each window's acknowledged writes are recorded into its mode's HDR
// histogram.
import { LatencyRecorder, type LatencySummary } from '../common/latency-recorder';
import type { HaRwsplit } from './ha-rwsplit';
import type { ReplicationMode } from './replication-mode';
import { startWriteReadWorkload } from './write-read-workload';

export interface LatencyWindow {
  readonly round: number;
  readonly mode: ReplicationMode;
  /** The window's acknowledged writes; null when none was. */
  readonly latency: LatencySummary | null;
  /** Writes that failed in the window (none expected with no leader change). */
  readonly failedWrites: number;
}

export interface InterleavedLatency {
  /** Every window's acknowledged writes, by mode. */
  readonly byMode: ReadonlyMap<ReplicationMode, LatencyRecorder>;
  readonly windows: readonly LatencyWindow[];
}

export interface InterleavedLatencyOptions {
  readonly rw: HaRwsplit;
  readonly modes: readonly ReplicationMode[];
  /** Rounds; each runs one window per mode. */
  readonly rounds: number;
  /** Length of one window, ms. */
  readonly windowMs: number;
  readonly workers: number;
  /** Puts the cluster in `mode` and resolves once it is in effect. */
  readonly setMode: (mode: ReplicationMode) => Promise<void>;
  readonly log?: (line: string) => void;
}

/** The modes' order in each round: forward in even rounds, backward in odd ones (ABBA). */
export function interleavedOrder(modes: readonly ReplicationMode[], rounds: number): ReplicationMode[][] {
  return Array.from({ length: rounds }, (_, round) => (round % 2 === 0 ? [...modes] : [...modes].reverse()));
}

export async function measureInterleavedWriteLatency(options: InterleavedLatencyOptions): Promise<InterleavedLatency> {
  const byMode = new Map<ReplicationMode, LatencyRecorder>(options.modes.map((m) => [m, new LatencyRecorder()]));
  const windows: LatencyWindow[] = [];
  const order = interleavedOrder(options.modes, options.rounds);
  for (const [round, modes] of order.entries()) {
    for (const mode of modes) {
      await options.setMode(mode);
      const workload = startWriteReadWorkload(options.rw, { workers: options.workers });
      await new Promise((r) => setTimeout(r, options.windowMs));
      const result = await workload.stop();
      const window = new LatencyRecorder();
      for (const w of result.writes) if (w.failure === null) window.record(w.endedAt - w.startedAt);
      byMode.get(mode)?.add(window);
      const latency = window.count > 0 ? window.summary() : null;
      windows.push({ round, mode, latency, failedWrites: result.writes.length - window.count });
      options.log?.(
        `write latency round ${round + 1}/${options.rounds}, ${mode}: ${window.count} writes, ` +
          (latency ? `p50 ${latency.p50Ms.toFixed(2)} ms, p99 ${latency.p99Ms.toFixed(2)} ms` : 'none acknowledged'),
      );
    }
  }
  return { byMode, windows };
}
