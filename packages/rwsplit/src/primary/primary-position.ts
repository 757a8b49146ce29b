// The primary's WAL position, read over a few kept-open connections and shared: concurrent reads that need it join
// one in-flight query, and a position fetched after a session's write returned is reused by that session without a
// query at all (the WriteClock says which). The pool's connections follow the primary target, so after failover
// discovery they reach the new primary.
import pg from 'pg';
import { PrimaryUnreachableError } from '../errors';
import type { LsnText } from '../postgres/lsn';
import { PRIMARY_POSITION } from '../postgres/queries';
import { dropIdleConnections } from '../prisma/node-client';
import type { PrimaryTarget } from './primary-target';
import type { WriteClock } from './write-clock';

/** Connections kept for position queries: coalescing means few are ever busy at once. */
export const POSITION_POOL_SIZE = 2;

/** The primary's position and timeline, and the write tick it covers. */
export interface Position {
  readonly lsn: LsnText;
  readonly timeline: number;
  /** The WriteClock tick when the query was sent: the position covers every write that had returned by then. */
  readonly covers: number;
}

/** How many positions were asked for and how many queries answered them (a cheap snapshot). */
export interface PositionStats {
  readonly requests: number;
  readonly queries: number;
}

export class PrimaryPosition {
  readonly #target: PrimaryTarget;
  readonly #clock: WriteClock;
  readonly #pool: pg.Pool;
  #poolUrl: string;
  #latest: Position | null = null;
  #inFlight: { covers: number; promise: Promise<Position> } | null = null;
  /** The query that starts when the in-flight one returns: every read its predecessor does not cover waits for it. */
  #next: Promise<Position> | null = null;
  #requests = 0;
  #queries = 0;

  /**
   * @param connectTimeoutMs connect timeout of the position pool, in ms.
   * @param queryTimeoutMs how long a position query may go unanswered (a primary that accepted the connection and
   *   then hangs) before it fails, in ms. Default: `connectTimeoutMs`.
   */
  constructor(target: PrimaryTarget, clock: WriteClock, connectTimeoutMs: number, queryTimeoutMs = connectTimeoutMs) {
    this.#target = target;
    this.#clock = clock;
    this.#poolUrl = target.current.url;
    this.#pool = new pg.Pool({
      max: POSITION_POOL_SIZE,
      connectionTimeoutMillis: connectTimeoutMs,
      // Without it a hung primary would hang every health check (and so their rescheduling) with it.
      query_timeout: queryTimeoutMs,
      idleTimeoutMillis: 30_000,
      Client: target.clientClass(),
    });
    // A dropped idle connection is reported by the next query, not here.
    this.#pool.on('error', () => undefined);
  }

  /**
   * A position that covers every write up to tick `covers`: the last one fetched if it does, else the in-flight
   * query if it was sent late enough, else a new query. Rejects with PrimaryUnreachableError (the driver's error as
   * cause) when the primary does not answer.
   */
  after(covers: number): Promise<Position> {
    this.#requests++;
    const latest = this.#latest;
    if (latest && latest.covers >= covers && this.#poolUrl === this.#target.current.url) return Promise.resolve(latest);
    const inFlight = this.#inFlight;
    if (!inFlight) return this.#fetch();
    if (inFlight.covers >= covers) return inFlight.promise;
    // Group commit: reads whose writes returned after the in-flight query was sent share the next one, sent as
    // soon as it returns (it covers all of them), instead of one query each.
    this.#next ??= inFlight.promise
      .catch(() => undefined)
      .then(() => {
        this.#next = null;
        // Sent now, it covers every write that returned before any of its waiters joined.
        return this.#fetch();
      });
    return this.#next;
  }

  /** A position that covers every write returned so far (this process's: other clients' writes may be newer). */
  current(): Promise<Position> {
    return this.after(this.#clock.now);
  }

  /**
   * The primary's position now, for health checks: never a remembered one (other clients write too), but an
   * in-flight query is joined.
   */
  fresh(): Promise<Position> {
    return this.#inFlight?.promise ?? this.#fetch();
  }

  /** `fresh()`'s LSN, or null when the primary does not answer (health checks carry on without it). */
  async tryLsn(): Promise<LsnText | null> {
    return this.fresh().then(
      (p) => p.lsn,
      () => null,
    );
  }

  /** The last position fetched from the current primary (health checks refresh it), or null. */
  get latest(): Position | null {
    return this.#poolUrl === this.#target.current.url ? this.#latest : null;
  }

  get stats(): PositionStats {
    return { requests: this.#requests, queries: this.#queries };
  }

  async close(): Promise<void> {
    await this.#pool.end().catch(() => undefined);
  }

  #fetch(): Promise<Position> {
    const covers = this.#clock.now;
    const promise = this.#query(covers).finally(() => {
      if (this.#inFlight?.promise === promise) this.#inFlight = null;
    });
    this.#inFlight = { covers, promise };
    return promise;
  }

  async #query(covers: number): Promise<Position> {
    this.#queries++;
    const url = this.#target.current.url;
    if (this.#poolUrl !== url) {
      // The primary moved: idle connections to the old one must not answer for the new one.
      this.#poolUrl = url;
      this.#latest = null;
      await dropIdleConnections(this.#pool);
    }
    try {
      const { rows } = await this.#pool.query<{ lsn: string; timeline: number }>(PRIMARY_POSITION);
      const position = { lsn: rows[0]!.lsn, timeline: Number(rows[0]!.timeline), covers };
      if (this.#poolUrl === url && (!this.#latest || this.#latest.covers <= covers)) this.#latest = position;
      return position;
    } catch (err) {
      throw new PrimaryUnreachableError(
        `The primary ${this.#target.current.name} did not give its WAL position (needed for read-your-writes): ` +
          `${err instanceof Error ? err.message : String(err)}.`,
        { cause: err },
      );
    }
  }
}
