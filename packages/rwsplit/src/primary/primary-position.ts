// The primary's WAL position, read over a few kept-open connections (health checks and read-your-writes ask for
// it often; a fresh connection per ask costs a password exchange each time). The pool's connections follow the
// primary target, so after failover discovery they reach the new primary.
import pg from 'pg';
import { WAL_INSERT_END_LSN } from '../postgres/queries';
import type { PrimaryTarget } from './primary-target';

/** Connections kept for position queries: enough for concurrent read-your-writes reads without queueing much. */
export const POSITION_POOL_SIZE = 4;

export class PrimaryPosition {
  readonly #target: PrimaryTarget;
  readonly #pool: pg.Pool;
  #poolUrl: string;

  /**
   * @param connectTimeoutMs connect timeout of the position pool, in ms.
   * @param queryTimeoutMs how long a position query may go unanswered (a primary that accepted the connection and
   *   then hangs) before it fails, in ms. Default: `connectTimeoutMs`.
   */
  constructor(target: PrimaryTarget, connectTimeoutMs: number, queryTimeoutMs: number = connectTimeoutMs) {
    this.#target = target;
    this.#poolUrl = target.current.url;
    this.#pool = new pg.Pool({
      max: POSITION_POOL_SIZE,
      connectionTimeoutMillis: connectTimeoutMs,
      // Without it a hung primary would hang every health check (and so their rescheduling) with it.
      query_timeout: queryTimeoutMs,
      statement_timeout: queryTimeoutMs,
      idleTimeoutMillis: 30_000,
      Client: target.clientClass(),
    });
    // A dropped idle connection is reported by the next query, not here.
    this.#pool.on('error', () => undefined);
  }

  /** The end of the primary's last WAL record: what a replica must have replayed to show every returned write. */
  async lsn(): Promise<string> {
    if (this.#poolUrl !== this.#target.current.url) {
      // The primary moved: idle connections to the old one must not answer for the new one.
      this.#poolUrl = this.#target.current.url;
      await this.#dropIdle();
    }
    const { rows } = await this.#pool.query<{ lsn: string }>(WAL_INSERT_END_LSN);
    return rows[0]!.lsn;
  }

  /** `lsn()`, or null when the primary does not answer (health checks carry on without it). */
  async tryLsn(): Promise<string | null> {
    return this.lsn().catch(() => null);
  }

  async close(): Promise<void> {
    await this.#pool.end().catch(() => undefined);
  }

  async #dropIdle(): Promise<void> {
    const idle = this.#pool.idleCount;
    const clients = await Promise.all(Array.from({ length: idle }, () => this.#pool.connect().catch(() => null)));
    for (const c of clients) c?.release(true);
  }
}
