// The monitor: polls the nodes every interval, turns each round into a snapshot, and (in `run`) draws it.
// Polling lives in checkCluster, drawing in renderMonitor; this file only sequences them.
import type { EventListener } from '../routing/events';
import type { ClusterCheck, LagLimits } from './check-cluster';
import { type MonitorSnapshot, buildSnapshot } from './monitor-snapshot';
import type { ConfiguredNode } from '../replication/configured-nodes';
import { createReadCounter } from './read-counter';
import { DEFAULT_POLL_INTERVAL_MS, createReplicaPoller } from './replica-poller';
import { renderMonitor } from './render-monitor';

export interface MonitorOptions {
  readonly nodes: readonly ConfiguredNode[];
  /** Eligibility limits (config.routing). */
  readonly limits: LagLimits;
  /** Refresh interval in ms. Default 1000. */
  readonly intervalMs?: number;
  /**
   * Count reads from the router's 'query' events (wire `monitor.listener` into the router). Default false:
   * standalone, the reads column shows each server's own xact_commit delta instead.
   */
  readonly countRoutedReads?: boolean;
  /** Per-probe timeout in ms. */
  readonly timeoutMs?: number;
  /** Also forward the health-check events (replica_checked …) here, e.g. to metrics. */
  readonly listener?: EventListener;
  /** Clock, injectable for tests. Default `Date.now`. */
  readonly now?: () => number;
}

export interface Monitor {
  /** Feed the router's events here when `countRoutedReads` is on. */
  readonly listener: EventListener;
  /** Checks every node now and returns the snapshot against the previous sample (rates are null the first time). */
  sample(): Promise<MonitorSnapshot>;
  /** Samples twice, one interval apart, so every rate is filled in: what `--once` prints. */
  snapshotOnce(): Promise<MonitorSnapshot>;
  /**
   * Samples and draws every interval until `signal` aborts. `write` receives each rendered screen; in a terminal
   * the script clears the screen before writing.
   */
  run(write: (screen: string, snapshot: MonitorSnapshot) => void, signal: AbortSignal): Promise<void>;
}

export function createMonitor(options: MonitorOptions): Monitor {
  const intervalMs = options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const reads = options.countRoutedReads ? createReadCounter() : null;
  const poller = createReplicaPoller({
    nodes: options.nodes,
    limits: options.limits,
    listener: options.listener,
    timeoutMs: options.timeoutMs,
    now: options.now,
    emitTransitions: options.listener !== undefined,
  });
  let previous: ClusterCheck | null = null;

  const sample = async (): Promise<MonitorSnapshot> => {
    const check = await poller.pollOnce();
    // Reads counted up to the end of this round belong to the interval since the previous round.
    const routed = reads?.take();
    const snapshot = buildSnapshot(check, previous, options.limits, routed);
    previous = check;
    return snapshot;
  };

  return {
    listener: reads ? reads.listener : () => undefined,
    sample,
    async snapshotOnce() {
      await sample();
      await sleep(intervalMs);
      return sample();
    },
    async run(write, signal) {
      while (!signal.aborted) {
        const started = Date.now();
        const snapshot = await sample();
        if (signal.aborted) break;
        write(renderMonitor(snapshot, { footer: 'Ctrl-C to quit' }), snapshot);
        await sleep(Math.max(0, intervalMs - (Date.now() - started)), signal);
      }
    },
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
