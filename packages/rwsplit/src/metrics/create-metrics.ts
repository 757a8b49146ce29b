// Prometheus metrics for rwsplit: a private prom-client Registry whose metrics are driven by RwsplitEvents.
// The listener is on the request path (it sees every 'query' event), so it must stay cheap: labelled children
// are cached per label set instead of being looked up by prom-client's label hashing on each event.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CausalTokenRefusal } from '../errors';
import type { EjectionReason, EventListener, RwsplitEvent } from '../events';

/**
 * Buckets of `rwsplit_query_duration_seconds`, in seconds: 0.25 ms to 1 s. Loopback reads take well under
 * a millisecond, a busy primary a few ms, a stalled node hits the top buckets.
 */
export const QUERY_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
]);

type FallbackReason = Extract<RwsplitEvent, { event: 'primary_fallback_read' }>['reason'];
const PRIMARY_FALLBACK_REASONS: readonly FallbackReason[] = ['no_eligible_replica', 'not_caught_up'];
type HeldOutcome = Extract<RwsplitEvent, { event: 'write_held' }>['outcome'];
const HELD_OUTCOMES: readonly HeldOutcome[] = ['ran', 'gave_up', 'queue_full'];
type RetryReason = Extract<RwsplitEvent, { event: 'read_retried' }>['reason'];
const RETRY_REASONS: readonly RetryReason[] = ['primary_unreachable', 'recovery_conflict'];
const TOKEN_REFUSALS: readonly CausalTokenRefusal[] = [
  'malformed',
  'unsigned',
  'bad_signature',
  'ahead_of_primary',
  'future_timeline',
];
/** Buckets of `rwsplit_write_hold_seconds`: a leader change takes from a fraction of a second to tens of seconds. */
const HOLD_BUCKETS: readonly number[] = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];
const EJECTION_REASONS: readonly EjectionReason[] = [
  'connection_error',
  'timeout',
  'unreachable',
  'lagging',
  'not_in_recovery',
];

export interface MetricsOptions {
  /** Registry to register into. Default: a new private Registry (never prom-client's global one). */
  readonly registry?: Registry;
  /** Buckets of the query duration histogram, in seconds. Default `QUERY_DURATION_BUCKETS`. */
  readonly durationBuckets?: readonly number[];
}

export interface RwsplitMetrics {
  /** The registry holding every rwsplit_* metric; serve it with `metricsHandler(registry)`. */
  readonly registry: Registry;
  /** Turns RwsplitEvents into metric updates. Pass it to the router / health checker (or `fanOut` it). */
  readonly listener: EventListener;
  /** The metric objects, for callers that want to read or extend them. */
  readonly metrics: {
    readonly queries: Counter<'node' | 'role' | 'operation'>;
    readonly queryErrors: Counter<'node' | 'role'>;
    readonly queryDuration: Histogram<'node' | 'role'>;
    readonly lagSeconds: Gauge<'node'>;
    readonly lagBytes: Gauge<'node'>;
    readonly eligible: Gauge<'node'>;
    readonly ejections: Counter<'node' | 'reason'>;
    readonly primaryFallbackReads: Counter<'reason'>;
    readonly primaryChanges: Counter;
    readonly writeTargetUp: Gauge<'node'>;
    readonly splitBrain: Gauge;
    readonly heldWrites: Counter<'outcome'>;
    readonly writeHoldSeconds: Histogram;
    readonly readsRetried: Counter<'reason'>;
    readonly recoveryConflicts: Counter<'node'>;
    readonly causalTokensRefused: Counter<'reason'>;
  };
}

/**
 * Creates the rwsplit metrics in a registry of their own.
 * @example
 * import { createMetrics, metricsHandler } from 'rwsplit/metrics';
 * const { registry, listener } = createMetrics();
 * const rw = await createRwsplit({ PrismaClient, primaryUrl, replicaUrls, onEvent: listener });
 * http.createServer(metricsHandler(registry)).listen(9464);
 */
export function createMetrics(options: MetricsOptions = {}): RwsplitMetrics {
  const registry = options.registry ?? new Registry();
  const registers = [registry];
  const metrics = {
    queries: new Counter({
      name: 'rwsplit_queries_total',
      help: 'Routed Prisma operations, by the node that served them, its role and the operation.',
      labelNames: ['node', 'role', 'operation'] as const,
      registers,
    }),
    queryErrors: new Counter({
      name: 'rwsplit_query_errors_total',
      help: 'Routed Prisma operations that failed, by node and role.',
      labelNames: ['node', 'role'] as const,
      registers,
    }),
    queryDuration: new Histogram({
      name: 'rwsplit_query_duration_seconds',
      help: 'Duration of routed Prisma operations, by the node that served them and its role.',
      labelNames: ['node', 'role'] as const,
      buckets: [...(options.durationBuckets ?? QUERY_DURATION_BUCKETS)],
      registers,
    }),
    lagSeconds: new Gauge({
      name: 'rwsplit_replica_lag_seconds',
      help: 'Replay lag of a replica in seconds at its last health check (absent while unknown).',
      labelNames: ['node'] as const,
      registers,
    }),
    lagBytes: new Gauge({
      name: 'rwsplit_replica_lag_bytes',
      help: "Bytes of WAL a replica has yet to replay behind the primary's position (absent while unknown).",
      labelNames: ['node'] as const,
      registers,
    }),
    eligible: new Gauge({
      name: 'rwsplit_replica_eligible',
      help: '1 when the replica is eligible for reads (reachable, in recovery, lag within limits), else 0.',
      labelNames: ['node'] as const,
      registers,
    }),
    ejections: new Counter({
      name: 'rwsplit_replica_ejections_total',
      help: 'Times a replica was taken out of rotation, by reason.',
      labelNames: ['node', 'reason'] as const,
      registers,
    }),
    primaryFallbackReads: new Counter({
      name: 'rwsplit_primary_fallback_reads_total',
      help:
        'Reads sent to the primary because no replica qualified, by reason (no_eligible_replica: none healthy and ' +
        "fresh; not_caught_up: none had replayed the session's own writes).",
      labelNames: ['reason'] as const,
      registers,
    }),
    primaryChanges: new Counter({
      name: 'rwsplit_primary_changes_total',
      help: 'Times failover discovery found a new primary.',
      registers,
    }),
    writeTargetUp: new Gauge({
      name: 'rwsplit_write_target_up',
      help:
        '1 while writes have a primary to go to (node: the write target), 0 after discovery found none. One series ' +
        'per process: the current target.',
      labelNames: ['node'] as const,
      registers,
    }),
    splitBrain: new Gauge({
      name: 'rwsplit_split_brain',
      help: '1 while failover discovery sees two or more primaries (writes are refused), else 0.',
      registers,
    }),
    heldWrites: new Counter({
      name: 'rwsplit_held_writes_total',
      help:
        'Writes refused for lack of a primary before they ran, that waited for failover discovery, by outcome (ran: ' +
        'on the primary found; gave_up: none within failoverWaitMs; queue_full: maxHeldWrites were waiting).',
      labelNames: ['outcome'] as const,
      registers,
    }),
    writeHoldSeconds: new Histogram({
      name: 'rwsplit_write_hold_seconds',
      help: 'How long held writes waited for a primary, in seconds.',
      buckets: [...HOLD_BUCKETS],
      registers,
    }),
    readsRetried: new Counter({
      name: 'rwsplit_reads_retried_total',
      help:
        'Reads retried on another node, by reason (primary_unreachable: the primary went away under the read; ' +
        'recovery_conflict: a standby cancelled it to replay WAL).',
      labelNames: ['reason'] as const,
      registers,
    }),
    recoveryConflicts: new Counter({
      name: 'rwsplit_recovery_conflicts_total',
      help: 'Reads a standby cancelled in a recovery conflict (the standby stays in rotation), by node.',
      labelNames: ['node'] as const,
      registers,
    }),
    causalTokensRefused: new Counter({
      name: 'rwsplit_causal_tokens_refused_total',
      help:
        'Sessions refused a causal token, by reason (malformed, unsigned, bad_signature, ahead_of_primary, ' +
        'future_timeline). A rise in forged or altered tokens shows here.',
      labelNames: ['reason'] as const,
      registers,
    }),
  };

  // Known label values start at 0, so rate() and alerts see the series before the first fallback happens.
  for (const reason of PRIMARY_FALLBACK_REASONS) metrics.primaryFallbackReads.inc({ reason }, 0);
  for (const outcome of HELD_OUTCOMES) metrics.heldWrites.inc({ outcome }, 0);
  for (const reason of RETRY_REASONS) metrics.readsRetried.inc({ reason }, 0);
  for (const reason of TOKEN_REFUSALS) metrics.causalTokensRefused.inc({ reason }, 0);
  metrics.splitBrain.set(0);
  // A node's ejection and error counters start at 0 when it is first seen, so increase() sees the first one.
  const seenNodes = new Set<string>();
  const seen = (node: string, role: string) => {
    const key = `${node}\u0000${role}`;
    if (seenNodes.has(key)) return;
    seenNodes.add(key);
    metrics.queryErrors.inc({ node, role }, 0);
    if (role !== 'replica') return;
    for (const reason of EJECTION_REASONS) metrics.ejections.inc({ node, reason }, 0);
    metrics.recoveryConflicts.inc({ node }, 0);
  };
  let writeTarget: string | null = null;
  const setWriteTarget = (node: string | null, up: boolean) => {
    if (writeTarget !== null && writeTarget !== node) metrics.writeTargetUp.remove({ node: writeTarget });
    writeTarget = node ?? writeTarget;
    if (writeTarget !== null) metrics.writeTargetUp.set({ node: writeTarget }, up ? 1 : 0);
  };

  // Children cached per label set: the 'query' path then costs one Map lookup and three increments. The histogram
  // child (node, role) is shared by every operation on that node, so its series stay few: nodes × roles.
  const durationChildren = new Map<string, Histogram.Internal<'node' | 'role'>>();
  const queryChildren = new Map<string, { count: Counter.Internal; duration: Histogram.Internal<'node' | 'role'> }>();
  const durationChild = (node: string, role: string) => {
    const key = `${node}\u0000${role}`;
    let child = durationChildren.get(key);
    if (!child) {
      child = metrics.queryDuration.labels({ node, role });
      durationChildren.set(key, child);
    }
    return child;
  };
  const queryChild = (node: string, role: string, operation: string) => {
    const key = `${node}\u0000${role}\u0000${operation}`;
    let child = queryChildren.get(key);
    if (!child) {
      seen(node, role);
      child = {
        count: metrics.queries.labels({ node, role, operation }),
        duration: durationChild(node, role),
      };
      queryChildren.set(key, child);
    }
    return child;
  };

  const listener: EventListener = (event: RwsplitEvent) => {
    switch (event.event) {
      case 'query': {
        if (event.role === 'primary' && event.ok && event.node !== writeTarget) setWriteTarget(event.node, true);
        const child = queryChild(event.node, event.role, event.operation);
        child.count.inc();
        child.duration.observe(event.durationMs / 1000);
        if (!event.ok) metrics.queryErrors.inc({ node: event.node, role: event.role });
        return;
      }
      case 'replica_checked':
        seen(event.node, 'replica');
        setOrRemove(metrics.lagSeconds, event.node, event.lagMs === null ? null : event.lagMs / 1000);
        setOrRemove(metrics.lagBytes, event.node, event.lagBytes);
        metrics.eligible.set({ node: event.node }, event.eligible ? 1 : 0);
        return;
      case 'replica_ejected':
        metrics.ejections.inc({ node: event.node, reason: event.reason });
        metrics.eligible.set({ node: event.node }, 0);
        return;
      case 'replica_admitted':
        metrics.eligible.set({ node: event.node }, 1);
        return;
      case 'primary_fallback_read':
        metrics.primaryFallbackReads.inc({ reason: event.reason });
        return;
      case 'primary_changed':
        metrics.primaryChanges.inc();
        return;
      case 'primary_discovered':
        metrics.splitBrain.set(0);
        setWriteTarget(event.node, true);
        return;
      case 'no_primary':
        metrics.splitBrain.set(0);
        setWriteTarget(null, false);
        return;
      case 'split_brain':
        metrics.splitBrain.set(1);
        setWriteTarget(null, false);
        return;
      case 'write_held':
        metrics.heldWrites.inc({ outcome: event.outcome });
        if (event.outcome !== 'queue_full') metrics.writeHoldSeconds.observe(event.waitedMs / 1000);
        return;
      case 'read_retried':
        metrics.readsRetried.inc({ reason: event.reason });
        return;
      case 'recovery_conflict':
        metrics.recoveryConflicts.inc({ node: event.node });
        return;
      case 'causal_token_refused':
        metrics.causalTokensRefused.inc({ reason: event.reason });
        return;
    }
  };

  return { registry, listener, metrics };
}

/** An unknown value removes the series rather than exporting a stale or made-up number. */
function setOrRemove(gauge: Gauge<'node'>, node: string, value: number | null): void {
  if (value === null) gauge.remove({ node });
  else gauge.set({ node }, value);
}
