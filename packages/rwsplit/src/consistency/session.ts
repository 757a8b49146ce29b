// The consistency scope, carried by AsyncLocalStorage so a request handler wraps its work once.
// After a write in a scope, the scope remembers the primary's WAL insert LSN; later reads in the scope only go
// to replicas that have replayed it.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ConsistencyMode } from '../options';
import { compareLsn, type LsnText } from '../postgres/lsn';
import { decodeCausalToken, encodeCausalToken } from './causal-token';

export interface SessionOptions {
  /** Consistency for reads in this scope. Default: the router's `consistency` (default `read-your-writes`). */
  readonly mode?: ConsistencyMode;
  /**
   * A causal token from an earlier scope (e.g. the previous HTTP request's cookie or header): reads here must
   * see everything that scope wrote. Malformed tokens throw. Default: none.
   */
  readonly token?: string;
}

export class Session {
  readonly mode: ConsistencyMode;
  #requiredLsn: LsnText | null;
  /** The WriteClock tick of the scope's last write whose position is not recorded yet (0: none pending). */
  #pendingTick = 0;

  constructor(mode: ConsistencyMode, token?: string) {
    this.mode = mode;
    this.#requiredLsn = token === undefined ? null : decodeCausalToken(token);
  }

  /**
   * Called when a write in the scope has returned, with its WriteClock tick. Taking the LSN is deferred to the
   * next read (one position for many writes), which may reuse a position fetched after this tick.
   */
  markWrite(tick: number): void {
    this.#pendingTick = Math.max(this.#pendingTick, tick);
  }

  /** The tick a primary position must cover before the next read, or 0 when no write is pending. */
  get pendingTick(): number {
    return this.#pendingTick;
  }

  get hasPendingWrite(): boolean {
    return this.#pendingTick > 0;
  }

  /** Records a primary position that covers the pending writes (tick `covers`). Positions only move forward. */
  recordLsn(lsn: LsnText, covers = this.#pendingTick): void {
    if (covers >= this.#pendingTick) this.#pendingTick = 0;
    if (this.#requiredLsn === null || compareLsn(lsn, this.#requiredLsn) > 0) this.#requiredLsn = lsn;
  }

  /** The position a replica must have replayed for reads in this scope, or null when any replica will do. */
  get requiredLsn(): LsnText | null {
    return this.#requiredLsn;
  }
}

const storage = new AsyncLocalStorage<Session>();

/** The scope the caller is in, if any. */
export function currentSession(): Session | undefined {
  return storage.getStore();
}

/**
 * Runs `fn` inside a new scope. Its result is awaited inside the scope: Prisma's promises are lazy and would
 * otherwise run (and route) after the scope has ended.
 */
export function runInSession<T>(session: Session, fn: () => Promise<T>): Promise<T> {
  return storage.run(session, async () => await fn());
}

/** Exports a scope's last write position as an opaque token (null when it has written nothing and required nothing). */
export function sessionToken(session: Session): string | null {
  return session.requiredLsn === null ? null : encodeCausalToken(session.requiredLsn);
}
