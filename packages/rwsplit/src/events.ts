// Structured events with stable names. The router, the health checker and failover discovery emit them through an
// injectable listener that defaults to silence; metrics and tests subscribe to them.
import type { CausalTokenRefusal } from './errors';

/** Which side served a query. */
export type NodeRole = 'primary' | 'replica';

/** Why a replica stopped being eligible for reads. */
export type EjectionReason = 'connection_error' | 'timeout' | 'unreachable' | 'lagging' | 'not_in_recovery';

export type RwsplitEvent =
  /** A routed Prisma operation finished (ok or not) on `node`. */
  | { event: 'query'; node: string; role: NodeRole; operation: string; durationMs: number; ok: boolean }
  /**
   * A replica was taken out of rotation. `lagMs`/`lagBytes` are the last known values (null if unknown); `detail`
   * says why in words: the error a read or check ran into (password masked), or the lag past the limits.
   */
  | {
      event: 'replica_ejected';
      node: string;
      reason: EjectionReason;
      lagMs: number | null;
      lagBytes: number | null;
      detail: string | null;
    }
  /** A replica passed a check again and is back in rotation. */
  | { event: 'replica_admitted'; node: string }
  /** The result of one health check (emitted for every check, eligible or not). */
  | {
      event: 'replica_checked';
      node: string;
      reachable: boolean;
      inRecovery: boolean;
      eligible: boolean;
      lagMs: number | null;
      lagBytes: number | null;
      replayLsn: string | null;
    }
  /**
   * A configured replica answered `pg_is_in_recovery() = false`: it is a primary (the primary under another
   * address, e.g. localhost vs 127.0.0.1, or a promoted standby). It stays out of rotation; emitted once each
   * time a replica is first seen in that state. Fix `replicaUrls`.
   */
  | { event: 'replica_is_primary'; node: string }
  /** A read went to the primary because no replica qualified. */
  | { event: 'primary_fallback_read'; reason: 'no_eligible_replica' | 'not_caught_up' }
  /**
   * A write (or a transaction's BEGIN) was refused for lack of a primary before it ran, and waited for failover
   * discovery to find one. Emitted once, when it stops waiting: `ran` (it ran on the primary found, whatever its
   * own result), `gave_up` (no primary within failoverWaitMs: the caller got NoPrimaryError), or `queue_full`
   * (maxHeldWrites were already waiting: refused at once with WriteQueueFullError).
   */
  | { event: 'write_held'; operation: string; waitedMs: number; outcome: 'ran' | 'gave_up' | 'queue_full' }
  /**
   * A read failed on a node the router could not use for it at that moment (the primary going away, or a replica
   * cancelling it in a recovery conflict), and was retried on another node. `reason` says why.
   */
  | { event: 'read_retried'; node: string; role: NodeRole; reason: 'primary_unreachable' | 'recovery_conflict' }
  /** A standby cancelled a read in a recovery conflict (its replay needed what the read held). It stays in rotation. */
  | { event: 'recovery_conflict'; node: string }
  /** A session was opened with a causal token rwsplit refused (CausalTokenError); `reason` says which check failed. */
  | { event: 'causal_token_refused'; reason: CausalTokenRefusal }
  /** Failover discovery found a new primary (writes go there now). */
  | { event: 'primary_changed'; from: string; to: string }
  /** Failover discovery asked every node and found exactly one primary (`node`), changed or not. */
  | { event: 'primary_discovered'; node: string }
  /** Failover discovery found no primary: writes fail with NoPrimaryError until one is promoted. */
  | { event: 'no_primary'; nodes: string[] }
  /** Failover discovery found two or more primaries: writes are refused with SplitBrainError until one is left. */
  | { event: 'split_brain'; nodes: string[] }
  /** The topology source named other replicas or another leader. */
  | { event: 'topology_changed'; leader: string | null; added: string[]; removed: string[] }
  /** The topology source could not be read; the last known topology stays and health checks go on. */
  | { event: 'topology_unreachable'; source: string; error: string }
  /** The topology source answers again. */
  | { event: 'topology_reachable'; source: string };

export type RwsplitEventName = RwsplitEvent['event'];

/** Receives events; must not throw (errors thrown by a listener are ignored). */
export type EventListener<E = RwsplitEvent> = (event: E) => void;

/** The default listener: silence. */
export const silent: EventListener<unknown> = () => undefined;

/** Calls every listener, shielding the caller from a listener that throws. */
export function fanOut<E = RwsplitEvent>(...listeners: EventListener<E>[]): EventListener<E> {
  return (event) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A broken listener must never break a query.
      }
    }
  };
}
