// A health-check loop over the configured nodes that reports through RwsplitEvents: 'replica_checked' for every
// standby every round, plus 'replica_ejected' / 'replica_admitted' when a standby's eligibility flips.
// `npm run metrics` feeds it into the Prometheus metrics; the monitor reads its checks. Events name each node by
// its address (`host:port`), as the router does (see configured-nodes.ts), so metrics labels match wherever the
// metrics are mounted.
import type { EventListener } from 'rwsplit';
import { type ClusterCheck, type LagLimits, checkCluster } from './check-cluster';
import type { ConfiguredNode } from '../replication/configured-nodes';

/** Default time between rounds, in ms. */
export const DEFAULT_POLL_INTERVAL_MS = 1000;

export interface ReplicaPollerOptions {
  readonly nodes: readonly ConfiguredNode[];
  /** The routing lag limits that decide eligibility (config.routing). */
  readonly limits: LagLimits;
  /** Receives the events. Default: none. */
  readonly listener?: EventListener;
  /** Time between the end of one round and the start of the next, in ms. Default 1000. */
  readonly intervalMs?: number;
  /** Per-probe timeout in ms. Default `DEFAULT_PROBE_TIMEOUT_MS`. */
  readonly timeoutMs?: number;
  /** Emit 'replica_ejected'/'replica_admitted' on eligibility changes. Default true (off when a router emits them). */
  readonly emitTransitions?: boolean;
  /** Called with every round's result (after the events). */
  readonly onCheck?: (check: ClusterCheck) => void;
  /** Clock, injectable for tests. Default `Date.now`. */
  readonly now?: () => number;
}

export interface ReplicaPoller {
  /** Runs one round now, emits its events, and returns it. */
  pollOnce(): Promise<ClusterCheck>;
  /** Starts the loop (first round at once). Idempotent. */
  start(): void;
  /** Stops the loop and waits for a round in flight. */
  stop(): Promise<void>;
  /** The last round's result, or null before the first. */
  readonly last: ClusterCheck | null;
}

export function createReplicaPoller(options: ReplicaPollerOptions): ReplicaPoller {
  const listener = options.listener ?? (() => undefined);
  const intervalMs = options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const emitTransitions = options.emitTransitions ?? true;
  // Replicas start out presumed eligible, so one that is down from the start is reported as ejected once.
  const wasEligible = new Map<string, boolean>();
  let last: ClusterCheck | null = null;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let inFlight: Promise<unknown> = Promise.resolve();

  const emit = (check: ClusterCheck) => {
    for (const node of check.nodes) {
      if (node.eligible === null) continue;
      const safe = (fn: () => void) => {
        try {
          fn();
        } catch {
          // A listener must never stop the health checks.
        }
      };
      safe(() =>
        listener({
          event: 'replica_checked',
          node: node.address,
          reachable: node.reachable,
          inRecovery: node.role === 'standby',
          eligible: node.eligible === true,
          lagMs: node.lagMs,
          lagBytes: node.lagBytes,
          replayLsn: node.role === 'standby' ? node.lsn : null,
        }),
      );
      const before = wasEligible.get(node.address) ?? true;
      wasEligible.set(node.address, node.eligible);
      if (!emitTransitions || before === node.eligible) continue;
      if (node.eligible) safe(() => listener({ event: 'replica_admitted', node: node.address }));
      else
        safe(() =>
          listener({
            event: 'replica_ejected',
            node: node.address,
            reason: node.ineligibleReason ?? 'unreachable',
            lagMs: node.lagMs,
            lagBytes: node.lagBytes,
            detail: node.error,
          }),
        );
    }
  };

  const pollOnce = async (): Promise<ClusterCheck> => {
    const check = await checkCluster(options.nodes, {
      limits: options.limits,
      timeoutMs: options.timeoutMs,
      now: options.now,
    });
    last = check;
    emit(check);
    options.onCheck?.(check);
    return check;
  };

  const loop = () => {
    if (!running) return;
    const round = pollOnce().finally(() => {
      if (running) timer = setTimeout(loop, intervalMs);
    });
    inFlight = round.catch(() => undefined);
  };

  return {
    pollOnce,
    start() {
      if (running) return;
      running = true;
      loop();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await inFlight;
    },
    get last() {
      return last;
    },
  };
}
