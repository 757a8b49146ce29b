// One replica as the router sees it: its node adapter, its health (reachable, in recovery, lag), its own lag
// thresholds, and whether it may serve reads now. Health comes from checks on the host's own small pg pool, never from the request path.
import pg from 'pg';
import { ReplicaUnreachableError } from '../errors';
import type { EjectionReason } from '../events';
import { isUnreachable } from '../postgres/connection-errors';
import { hasReached, type LsnText } from '../postgres/lsn';
import { REPLICA_REPLAY_STATE } from '../postgres/queries';
import type { NodeAdapter } from '../prisma/node-adapter';
import { describeCheckFailure, type HostHealth, readReplicaHealth, UNKNOWN_HEALTH } from './replica-health';

/** Lag thresholds: a replica is fresh enough when lag time ≤ maxLagMs OR lag bytes ≤ maxLagBytes. */
export interface LagThresholds {
  readonly maxLagMs: number;
  readonly maxLagBytes: number;
}

/** Why a health result is not eligible, or null when it is (the routing rule: lag time ≤ max OR lag bytes ≤ max). */
export function ineligibility(
  health: Pick<HostHealth, 'reachable' | 'inRecovery' | 'lagMs' | 'lagBytes'>,
  limits: LagThresholds,
): EjectionReason | null {
  if (!health.reachable) return 'unreachable';
  if (!health.inRecovery) return 'not_in_recovery';
  const timeOk = health.lagMs !== null && health.lagMs <= limits.maxLagMs;
  const bytesOk = health.lagBytes !== null && health.lagBytes <= limits.maxLagBytes;
  return timeOk || bytesOk ? null : 'lagging';
}

/** How far a replica has replayed, on which timeline (null: unknown). */
export interface ReplayState {
  readonly lsn: LsnText | null;
  readonly timeline: number | null;
}

/** Health of one replica, as the router sees it now. */
export interface ReplicaSnapshot {
  /** `host:port`, the node's name in events and metrics. */
  readonly name: string;
  readonly eligible: boolean;
  /** Why it is not eligible (`unreachable`, `lagging`, `not_in_recovery`, `connection_error`), or null. */
  readonly reason: EjectionReason | null;
  readonly reachable: boolean;
  readonly inRecovery: boolean;
  readonly lagMs: number | null;
  readonly lagBytes: number | null;
  readonly replayLsn: string | null;
  /** Why it is out, in words: the error a read or check ran into (password masked), or its lag; null if eligible. */
  readonly detail: string | null;
}

export interface ReplicaHostOptions {
  /** Connect timeout of the host's check pool, in ms. Default 2000. */
  readonly connectTimeoutMs?: number;
  /**
   * How long a health-check or caught-up query may go unanswered before the host counts as unreachable, in ms
   * (client-side `query_timeout`: no startup parameter, so PgBouncer accepts it). Default: `connectTimeoutMs`.
   */
  readonly checkTimeoutMs?: number;
  /** How long an idle check connection stays open, in ms. Default 10000. */
  readonly idleTimeoutMs?: number;
}

export class ReplicaHost {
  readonly name: string;
  readonly url: string;
  /** Where the replica's reads run. */
  readonly node: NodeAdapter;
  readonly limits: LagThresholds;
  readonly #pool: pg.Pool;
  readonly #checkTimeoutMs: number;
  #health: HostHealth = UNKNOWN_HEALTH;
  /** Set by a connection error on a read; cleared by the next passing check. */
  #ejected: EjectionReason | null = null;
  /** What the read that ejected the host ran into (password masked). */
  #ejectedBy: string | null = null;
  /** The furthest replay position and the timeline seen by any query (check or caught-up). */
  #replay: ReplayState = { lsn: null, timeline: null };
  /** The one replay-position query in flight, shared by every read that waits on it. */
  #replayInFlight: Promise<ReplayState> | null = null;
  #replayQueries = 0;
  #inFlight = 0;

  constructor(name: string, url: string, node: NodeAdapter, limits: LagThresholds, options: ReplicaHostOptions = {}) {
    this.name = name;
    this.url = url;
    this.node = node;
    this.limits = limits;
    const connectTimeoutMs = options.connectTimeoutMs ?? 2000;
    const checkTimeoutMs = options.checkTimeoutMs ?? connectTimeoutMs;
    this.#checkTimeoutMs = checkTimeoutMs;
    // A few connections: besides periodic checks, read-your-writes reads ask "caught up yet?" concurrently.
    // query_timeout bounds a server that accepted the connection and then hangs (the check would otherwise
    // never return, and the host would stay eligible); a timed-out connection is discarded by the pool.
    this.#pool = new pg.Pool({
      connectionString: url,
      max: 4,
      connectionTimeoutMillis: connectTimeoutMs,
      query_timeout: checkTimeoutMs,
      idleTimeoutMillis: options.idleTimeoutMs ?? 10_000,
    });
    // A dropped idle health connection is reported by the next check, not here.
    this.#pool.on('error', () => undefined);
  }

  get health(): HostHealth {
    return this.#health;
  }

  /** Reads routed to this host that have not settled yet (what `leastOutstanding()` balances on). */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Counts a routed read as in flight, until `finished()`. */
  started(): void {
    this.#inFlight++;
  }

  /** A routed read counted by `started()` has settled (called exactly once per `started()`). */
  finished(): void {
    this.#inFlight--;
  }

  /** Why the host is out of rotation now (a connection error since the last check, or the check itself). */
  reason(): EjectionReason | null {
    return this.#ejected ?? ineligibility(this.#health, this.limits);
  }

  isEligible(): boolean {
    return this.reason() === null;
  }

  /**
   * Takes the host out of rotation at once (a read on it hit a connection error or its deadline). True when this
   * changed its state (it was eligible): the caller reports the ejection then, and only then.
   */
  eject(reason: EjectionReason, err?: unknown): boolean {
    const wasEligible = this.isEligible();
    if (this.#ejected === null) {
      this.#ejected = reason;
      this.#ejectedBy = err === undefined ? null : this.#describe(err);
    }
    return wasEligible;
  }

  /**
   * Why the host is out of rotation, in words (the error a read or the last check ran into, password masked), or
   * null while it is eligible.
   */
  whyOut(): string | null {
    const reason = this.reason();
    if (reason === null) return null;
    if (this.#ejected !== null) return this.#ejectedBy ?? this.#health.error;
    const h = this.#health;
    switch (reason) {
      case 'not_in_recovery':
        return 'it answers pg_is_in_recovery() = false: it is a primary, not a replica';
      case 'lagging':
        return (
          `replay lag ${h.lagMs ?? 'unknown'} ms / ${h.lagBytes ?? 'unknown'} bytes, past maxLagMs = ` +
          `${this.limits.maxLagMs} and maxLagBytes = ${this.limits.maxLagBytes}`
        );
      default:
        return h.error;
    }
  }

  /** Runs one health check. `primaryLsn` is the primary's current WAL position (null if unknown). */
  async check(primaryLsn: LsnText | null, now: number): Promise<HostHealth> {
    try {
      this.#health = await readReplicaHealth(
        async (sql, params) => (await this.#pool.query(sql, params)).rows,
        primaryLsn,
        now,
      );
      this.#ejected = null;
      this.#ejectedBy = null;
      this.#learn({ lsn: this.#health.replayLsn, timeline: this.#health.timeline });
    } catch (err) {
      this.#health = { ...UNKNOWN_HEALTH, checkedAt: now, error: this.#describe(err) };
    }
    return this.#health;
  }

  /** The host's health and eligibility now, as a plain object (what `rw.replicas()` lists). */
  snapshot(): ReplicaSnapshot {
    const reason = this.reason();
    const { reachable, inRecovery, lagMs, lagBytes, replayLsn } = this.#health;
    return {
      name: this.name,
      eligible: reason === null,
      reason,
      reachable,
      inRecovery,
      lagMs,
      lagBytes,
      replayLsn,
      detail: this.whyOut(),
    };
  }

  /** The furthest replay position and the latest timeline known without a query. */
  get replay(): ReplayState {
    return this.#replay;
  }

  /** Replay-position queries sent so far (checks not included). */
  get replayQueries(): number {
    return this.#replayQueries;
  }

  /** True when a check or an earlier answer already shows this replica has replayed up to `lsn` (no query). */
  knownToHaveReached(lsn: LsnText): boolean {
    const known = this.#replay.lsn;
    return known !== null && hasReached(known, lsn);
  }

  /**
   * Asks the replica how far it has replayed. Concurrent callers share one query; its answer is remembered, so a
   * later read whose position it already covers needs none. A connection error or an unanswered query rejects
   * with ReplicaUnreachableError (the caller ejects the host); any other error answers what is already known.
   */
  replayState(): Promise<ReplayState> {
    this.#replayInFlight ??= this.#queryReplay().finally(() => {
      this.#replayInFlight = null;
    });
    return this.#replayInFlight;
  }

  async #queryReplay(): Promise<ReplayState> {
    this.#replayQueries++;
    try {
      const { rows } = await this.#pool.query<{ replay_lsn: string | null; timeline: number | null }>(
        REPLICA_REPLAY_STATE,
      );
      this.#learn({ lsn: rows[0]?.replay_lsn ?? null, timeline: rows[0]?.timeline ?? null });
      return this.#replay;
    } catch (err) {
      if (!isUnreachable(err)) return this.#replay;
      throw new ReplicaUnreachableError(
        `Replica ${this.name} did not answer how far it has replayed (${this.#describe(err)}); it is out of rotation.`,
        { cause: err },
      );
    }
  }

  /** Keeps the furthest position; a new timeline replaces the old one (and its positions). */
  #learn(state: ReplayState): void {
    const { lsn, timeline } = this.#replay;
    if (state.timeline !== null && timeline !== null && state.timeline !== timeline) {
      this.#replay = state;
      return;
    }
    const further = state.lsn !== null && (lsn === null || hasReached(state.lsn, lsn));
    this.#replay = { lsn: further ? state.lsn : lsn, timeline: state.timeline ?? timeline };
  }

  /** A check's failure as text for health.error; a timeout says what it means. */
  #describe(err: unknown): string {
    return describeCheckFailure(err, this.#checkTimeoutMs);
  }

  /** Ends the health-check pool and the read pool (reads in flight finish first). */
  async close(): Promise<void> {
    await Promise.all([this.#pool.end().catch(() => undefined), this.node.close()]);
  }
}
