// One health check of one replica: reachable, in recovery, how far behind the primary (time and bytes), on which
// timeline. The router's hosts run it on their own small pools; `checkReplicaHealth` runs it once on a short-lived
// connection, for tools that watch replicas without a router (a monitor, a metrics exporter).
import { DEFAULTS } from '../defaults';
import { DeadlineExceededError } from '../postgres/statement-deadline';
import { driverMessage, isTimeout } from '../postgres/connection-errors';
import type { LsnText } from '../postgres/lsn';
import { maskSecrets } from '../postgres/postgres-url';
import type { PgTarget } from '../postgres/pg-target';
import { REPLICA_HEALTH } from '../postgres/queries';
import { queryOnce } from '../postgres/query-once';

/** The last health check's result. */
export interface HostHealth {
  readonly reachable: boolean;
  readonly inRecovery: boolean;
  /** ms since the last replayed transaction committed on the primary (null: nothing replayed yet). */
  readonly lagMs: number | null;
  /** Bytes of WAL between the primary's position and this replica's replay position (null if unknown). */
  readonly lagBytes: number | null;
  readonly replayLsn: LsnText | null;
  /** The timeline the replica's WAL receiver streams (null: not streaming, or not visible to this role). */
  readonly timeline: number | null;
  readonly checkedAt: number;
  readonly error: string | null;
}

/** A replica not checked yet: unreachable until a check says otherwise. */
export const UNKNOWN_HEALTH: HostHealth = {
  reachable: false,
  inRecovery: false,
  lagMs: null,
  lagBytes: null,
  replayLsn: null,
  timeline: null,
  checkedAt: 0,
  error: 'not checked yet',
};

interface ReplicaHealthRow {
  readonly in_recovery: boolean;
  readonly replay_lsn: string | null;
  readonly lag_bytes: number | null;
  readonly lag_ms: number | null;
  readonly timeline: number | null;
}

/** Runs a query and returns its rows: a pool's, or a short-lived connection's. */
export type HealthQuery = (sql: string, params: unknown[]) => Promise<readonly ReplicaHealthRow[]>;

/**
 * Asks a replica for its health through `query`. `primaryLsn` is the primary's current WAL position (null when
 * unknown: the replica's own receive position stands in). Rejects with the query's error.
 */
export async function readReplicaHealth(
  query: HealthQuery,
  primaryLsn: LsnText | null,
  now: number,
): Promise<HostHealth> {
  const [row] = await query(REPLICA_HEALTH, [primaryLsn]);
  if (!row) throw new Error('the health check query returned no row');
  return {
    reachable: true,
    inRecovery: row.in_recovery,
    lagMs: row.lag_ms,
    lagBytes: row.lag_bytes === null ? null : Math.max(0, row.lag_bytes),
    replayLsn: row.replay_lsn,
    timeline: row.timeline,
    checkedAt: now,
    error: null,
  };
}

/** A failed check (or read) as text for `HostHealth.error`, password masked; a timeout says what it means. */
export function describeCheckFailure(err: unknown, checkTimeoutMs: number): string {
  if (isTimeout(err) && !(err instanceof DeadlineExceededError)) {
    return `no answer within ${checkTimeoutMs} ms (checkTimeoutMs): the server accepted the connection but hangs`;
  }
  return maskSecrets(driverMessage(err));
}

export interface CheckReplicaHealthOptions {
  /** The primary's current WAL position, for the byte lag. Default null: the replica's receive position. */
  readonly primaryLsn?: LsnText | null;
  /** Connect timeout in ms. Default `DEFAULTS.connectTimeoutMs` (3000). */
  readonly connectTimeoutMs?: number;
  /** How long the check may go unanswered before the replica counts as unreachable, in ms. Default: connectTimeoutMs. */
  readonly checkTimeoutMs?: number;
  /** The check's time (epoch ms) for `checkedAt`. Default `Date.now()`. */
  readonly now?: number;
}

/**
 * Checks one replica's health once, on a short-lived connection, as the router's health checks do. Never throws: a
 * replica that does not answer comes back `reachable: false` with the reason in `error`. Whether it may serve
 * reads is `ineligibility(health, { maxLagMs, maxLagBytes })`.
 * @example const health = await checkReplicaHealth(replicaUrl, { primaryLsn: '0/3000148' });
 */
export async function checkReplicaHealth(
  target: PgTarget,
  options: CheckReplicaHealthOptions = {},
): Promise<HostHealth> {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
  const checkTimeoutMs = options.checkTimeoutMs ?? connectTimeoutMs;
  const now = options.now ?? Date.now();
  try {
    return await readReplicaHealth(
      (sql, params) => queryOnce<ReplicaHealthRow>(target, sql, params, connectTimeoutMs, checkTimeoutMs),
      options.primaryLsn ?? null,
      now,
    );
  } catch (err) {
    return { ...UNKNOWN_HEALTH, checkedAt: now, error: describeCheckFailure(err, checkTimeoutMs) };
  }
}
