// The consistency scope, carried by AsyncLocalStorage so a request handler wraps its work once.
// After a write in a scope, the scope remembers the primary's WAL insert LSN; later reads in the scope only go
// to replicas that have replayed it.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ConsistencyMode } from '../options';
import { compareLsn, type LsnText } from '../postgres/lsn';
import type { CausalTokens, TokenClaim } from './causal-token';

export interface SessionOptions {
  /** Consistency for reads in this scope. Default: the router's `consistency` (default `read-your-writes`). */
  readonly mode?: ConsistencyMode;
  /**
   * A causal token from an earlier scope (e.g. the previous HTTP request's cookie or header): reads here must see
   * everything that scope wrote. A token rwsplit did not make (unsigned or badly signed with tokenSecret, damaged)
   * or one claiming more than the primary has is refused with CausalTokenError. Default: none.
   */
  readonly token?: string;
}

export class Session {
  readonly mode: ConsistencyMode;
  #requiredLsn: LsnText | null;
  /** The timeline of #requiredLsn (null: unknown). */
  #requiredTimeline: number | null;
  /** The WriteClock tick of the scope's last write whose position is not recorded yet (0: none pending). */
  #pendingTick = 0;
  /**
   * Monotonic reads: the tick after which the scope saw the primary's state (a read served there, or a replica it
   * read from and left), whose position is not recorded yet (0: none). Later reads must see a position fetched
   * after it.
   */
  #seenTick = 0;
  /** Monotonic reads: the replica the scope's last read used; later reads stay there while it may serve them. */
  pinned: object | null = null;

  /** @param claim what an admitted causal token requires (see TokenBound), if the scope opened with one. */
  constructor(mode: ConsistencyMode, claim?: TokenClaim) {
    this.mode = mode;
    this.#requiredLsn = claim?.lsn ?? null;
    this.#requiredTimeline = claim?.timeline ?? null;
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

  /** Monotonic reads: the scope has seen the primary's state as of WriteClock tick `tick` (see #seenTick). */
  markSeen(tick: number): void {
    this.#seenTick = Math.max(this.#seenTick, tick);
  }

  /** The tick a primary position must cover for what the scope has seen, or 0. */
  get seenTick(): number {
    return this.#seenTick;
  }

  get hasPendingWrite(): boolean {
    return this.#pendingTick > 0;
  }

  /**
   * Records a primary position that covers the pending writes (tick `covers`), on `timeline`. Positions only move
   * forward; a later timeline replaces an earlier one.
   */
  recordLsn(lsn: LsnText, covers = this.#pendingTick, timeline: number | null = null): void {
    if (covers >= this.#pendingTick) this.#pendingTick = 0;
    if (covers >= this.#seenTick) this.#seenTick = 0;
    const newerTimeline = timeline !== null && this.#requiredTimeline !== null && timeline > this.#requiredTimeline;
    if (this.#requiredLsn === null || newerTimeline || compareLsn(lsn, this.#requiredLsn) > 0) {
      this.#requiredLsn = lsn;
      this.#requiredTimeline = timeline ?? this.#requiredTimeline;
    }
  }

  /** The timeline of the required position (null: unknown, e.g. from an `rw1.` token). */
  get requiredTimeline(): number | null {
    return this.#requiredTimeline;
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
export function sessionToken(session: Session, tokens: CausalTokens): string | null {
  const lsn = session.requiredLsn;
  return lsn === null ? null : tokens.encode({ lsn, timeline: session.requiredTimeline });
}
