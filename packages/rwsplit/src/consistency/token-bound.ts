// A causal token may not claim more than the cluster has: a position ahead of the primary's on its timeline, or a
// timeline the primary has not reached, would make every read of the session wait for (or fall back to the primary
// for) a position that never comes, which is how a client could turn tokens against the primary. Checked once, when
// a session opens with the token, against the primary position read-your-writes already keeps (no query in the
// common case: health checks refresh it every second or two); only a token ahead of that asks the primary again.
import { CausalTokenError } from '../errors';
import type { EventListener } from '../events';
import { compareLsn } from '../postgres/lsn';
import type { Position } from '../primary/primary-position';
import type { CausalTokens, TokenClaim } from './causal-token';

/** What the bound needs of the primary position: the last one known, and a fresh one. */
export interface KnownPosition {
  /** The last position fetched from the current primary, or null. */
  readonly latest: Position | null;
  /** The primary's position now (joins a query in flight). */
  fresh(): Promise<Position>;
}

/** Within what `primary` has: at or behind its position on its timeline, or on an older timeline. */
function within(claim: TokenClaim, primary: Position): boolean {
  if (claim.timeline !== null && claim.timeline < primary.timeline) return true;
  return (claim.timeline === null || claim.timeline === primary.timeline) && compareLsn(claim.lsn, primary.lsn) <= 0;
}

export class TokenBound {
  readonly #tokens: CausalTokens;
  readonly #position: KnownPosition;
  readonly #onEvent: EventListener;

  constructor(tokens: CausalTokens, position: KnownPosition, onEvent: EventListener) {
    this.#tokens = tokens;
    this.#position = position;
    this.#onEvent = onEvent;
  }

  /**
   * What `token` requires, once it is shown to be rwsplit's (signed, with tokenSecret) and within the primary's
   * position; else a CausalTokenError saying which check failed. An honest token of an older timeline (made before a
   * promotion) is admitted: its reads go to the primary until replicas on the new timeline have caught up, so they
   * are never stale and never wait for a position that will not come. When the primary cannot be asked (a failover
   * in progress), the token is admitted as it is and the reads decide.
   */
  async admit(token: string): Promise<TokenClaim> {
    const claim = this.#checked(() => this.#tokens.decode(token));
    const latest = this.#position.latest;
    if (latest && within(claim, latest)) return claim;
    let primary: Position;
    try {
      primary = await this.#position.fresh();
    } catch {
      return claim;
    }
    return this.#checked(() => {
      if (within(claim, primary)) return claim;
      if (claim.timeline !== null && claim.timeline > primary.timeline) {
        throw new CausalTokenError(
          `The causal token claims timeline ${claim.timeline}, but the primary is on timeline ${primary.timeline}: ` +
            'no server has made it. Start the session without it.',
          { reason: 'future_timeline' },
        );
      }
      throw new CausalTokenError(
        `The causal token claims WAL position ${claim.lsn}, ahead of the primary's ${primary.lsn}: no server has ` +
          'written it yet, so no read could ever see it. Start the session without it.',
        { reason: 'ahead_of_primary' },
      );
    });
  }

  /** Runs a check; a refusal is reported as a `causal_token_refused` event before it is thrown. */
  #checked<T>(check: () => T): T {
    try {
      return check();
    } catch (err) {
      if (err instanceof CausalTokenError) this.#onEvent({ event: 'causal_token_refused', reason: err.reason });
      throw err;
    }
  }
}
