// One replica as the router sees it: its NodeClient, its health (reachable, in recovery, lag) and whether it
// may serve reads now. Health comes from checks on the host's own small pg pool, never from the request path.
import pg from 'pg';
import { ReplicaUnreachableError } from '../errors';
import type { EjectionReason } from '../events';
import { isConnectionError } from '../postgres/connection-errors';
import { hasReached, type LsnText } from '../postgres/lsn';
import { REPLAYED_UP_TO, REPLICA_HEALTH } from '../postgres/queries';
import type { NodeClient } from '../prisma/node-client';

/** Lag thresholds: a replica is fresh enough when lag time ≤ maxLagMs OR lag bytes ≤ maxLagBytes. */
export interface LagThresholds {
  readonly maxLagMs: number;
  readonly maxLagBytes: number;
}

/** The last health check's result. */
export interface HostHealth {
  readonly reachable: boolean;
  readonly inRecovery: boolean;
  /** ms since the last replayed transaction committed on the primary (null: nothing replayed yet). */
  readonly lagMs: number | null;
  /** Bytes of WAL between the primary's position and this replica's replay position (null if unknown). */
  readonly lagBytes: number | null;
  readonly replayLsn: LsnText | null;
  readonly checkedAt: number;
  readonly error: string | null;
}

const UNKNOWN: HostHealth = {
  reachable: false,
  inRecovery: false,
  lagMs: null,
  lagBytes: null,
  replayLsn: null,
  checkedAt: 0,
  error: 'not checked yet',
};

/** Why a health result is not eligible, or null when it is. */
export function ineligibility(health: HostHealth, limits: LagThresholds): EjectionReason | null {
  if (!health.reachable) return 'unreachable';
  if (!health.inRecovery) return 'not_in_recovery';
  const timeOk = health.lagMs !== null && health.lagMs <= limits.maxLagMs;
  const bytesOk = health.lagBytes !== null && health.lagBytes <= limits.maxLagBytes;
  return timeOk || bytesOk ? null : 'lagging';
}

/** pg's message when a query got no answer within `query_timeout` (the server hangs, e.g. SIGSTOPped). */
const QUERY_TIMEOUT_MESSAGE = /Query read timeout/;

/** True when `err` says the node cannot be reached or does not answer: a reason to take it out of rotation. */
export function isUnreachable(err: unknown): boolean {
  return isConnectionError(err) || (err instanceof Error && QUERY_TIMEOUT_MESSAGE.test(err.message));
}

export interface ReplicaHostOptions {
  /** Connect timeout of the host's check pool, in ms. Default 2000. */
  readonly connectTimeoutMs?: number;
  /**
   * How long a health-check or caught-up query may go unanswered before the host counts as unreachable, in ms
   * (client-side `query_timeout`, plus the same `statement_timeout` on the server). Default: `connectTimeoutMs`.
   */
  readonly checkTimeoutMs?: number;
}

export class ReplicaHost {
  readonly name: string;
  readonly url: string;
  readonly client: NodeClient;
  readonly #pool: pg.Pool;
  readonly #checkTimeoutMs: number;
  #health: HostHealth = UNKNOWN;
  /** Set by a connection error on a read; cleared by the next passing check. */
  #ejected: EjectionReason | null = null;

  constructor(name: string, url: string, client: NodeClient, options: ReplicaHostOptions = {}) {
    this.name = name;
    this.url = url;
    this.client = client;
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
      statement_timeout: checkTimeoutMs,
      idleTimeoutMillis: 10_000,
    });
    // A dropped idle health connection is reported by the next check, not here.
    this.#pool.on('error', () => undefined);
  }

  get health(): HostHealth {
    return this.#health;
  }

  /** Why the host is out of rotation now (a connection error since the last check, or the check itself). */
  reason(limits: LagThresholds): EjectionReason | null {
    return this.#ejected ?? ineligibility(this.#health, limits);
  }

  isEligible(limits: LagThresholds): boolean {
    return this.reason(limits) === null;
  }

  /** Takes the host out of rotation at once (a read on it hit a connection error). */
  eject(reason: EjectionReason): void {
    this.#ejected = reason;
  }

  /** Runs one health check. `primaryLsn` is the primary's current WAL position (null if unknown). */
  async check(primaryLsn: LsnText | null, now: number): Promise<HostHealth> {
    try {
      const { rows } = await this.#pool.query<{
        in_recovery: boolean;
        replay_lsn: string | null;
        lag_bytes: number | null;
        lag_ms: number | null;
      }>(REPLICA_HEALTH, [primaryLsn]);
      const row = rows[0]!;
      this.#health = {
        reachable: true,
        inRecovery: row.in_recovery,
        lagMs: row.lag_ms,
        lagBytes: row.lag_bytes === null ? null : Math.max(0, row.lag_bytes),
        replayLsn: row.replay_lsn,
        checkedAt: now,
        error: null,
      };
      this.#ejected = null;
    } catch (err) {
      this.#health = { ...UNKNOWN, checkedAt: now, error: this.#describe(err) };
    }
    return this.#health;
  }

  /** True when the last check already shows this replica has replayed up to `lsn` (no query). */
  knownToHaveReached(lsn: LsnText): boolean {
    const known = this.#health.replayLsn;
    return known !== null && hasReached(known, lsn);
  }

  /**
   * Has this replica replayed up to `lsn`? Answers from the last check when that already shows it, else asks
   * the replica (one cheap query). A connection error or an unanswered query ejects the host and rejects with
   * that error (the caller reports the ejection); any other error answers false.
   */
  async hasCaughtUp(lsn: LsnText): Promise<boolean> {
    if (this.knownToHaveReached(lsn)) return true;
    try {
      const { rows } = await this.#pool.query<{ caught_up: boolean | null }>(REPLAYED_UP_TO, [lsn]);
      return rows[0]?.caught_up === true;
    } catch (err) {
      if (!isUnreachable(err)) return false;
      this.eject('connection_error');
      throw new ReplicaUnreachableError(
        `Replica ${this.name} did not answer whether it has replayed ${lsn}; it is out of rotation.`,
        {
          cause: err,
        },
      );
    }
  }

  /** A check's failure as text for health.error; a timeout says what it means. */
  #describe(err: unknown): string {
    const message = err instanceof Error ? err.message : String(err);
    return QUERY_TIMEOUT_MESSAGE.test(message)
      ? `no answer within ${this.#checkTimeoutMs} ms (checkTimeoutMs): the server accepted the connection but hangs`
      : message;
  }

  async close(): Promise<void> {
    await this.#pool.end().catch(() => undefined);
  }
}
