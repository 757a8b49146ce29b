// What a read must see, from the sessions it serves: the primary only, a WAL position on a timeline (read-your-writes,
// after fetching or reusing the primary's position), or nothing in particular. It also keeps the primary's timeline
// as seen, so a replica on an old timeline is never taken for caught up after a promotion.
import type { Session } from '../consistency/session';
import type { ConsistencyMode } from '../options';
import { isNotPrimary, isUnreachable } from '../postgres/connection-errors';
import { hasReached, type LsnText } from '../postgres/lsn';
import type { Position } from '../primary/primary-position';
import { untilPrimary } from '../primary/until-primary';
import type { ReplicaHost } from './replica-host';
import type { PrimaryEndpoint, RouterOptions } from './router';

/** What a read-your-writes read must see: a position, on a timeline. */
export interface Required {
  readonly lsn: LsnText;
  /** The primary's timeline when the position was taken (null: from a causal token, timeline unknown). */
  readonly timeline: number | null;
}

/** Where a read may go: the primary only, a replica that has replayed `Required`, or any eligible replica. */
export type Requirement = 'primary' | Required | null;

export class ReadRequirements {
  readonly #primary: PrimaryEndpoint;
  readonly #options: Pick<RouterOptions, 'consistency' | 'failoverWaitMs' | 'defaultReads' | 'monotonicReads'>;
  /** The primary's timeline as first seen, and whether it has changed since (a promotion happened). */
  #firstTimeline: number | null = null;
  #timelineChanged = false;

  constructor(
    primary: PrimaryEndpoint,
    options: Pick<RouterOptions, 'consistency' | 'failoverWaitMs' | 'defaultReads' | 'monotonicReads'>,
  ) {
    this.#primary = primary;
    this.#options = options;
  }

  /**
   * The mode a read runs under: the scope's; outside any scope `eventual` (nothing to be consistent with), or
   * `primary` when reads stay on the primary unless they opt in (`defaultReads: 'primary'`, or `consistency:
   * 'primary'`). A read sent with `$replica()` (`optedIn`) is `eventual` outside a scope whatever the defaults.
   */
  modeFor(session: Session | undefined, optedIn = false): ConsistencyMode {
    if (session) return session.mode;
    if (optedIn) return 'eventual';
    return this.#options.defaultReads === 'primary' || this.#options.consistency === 'primary' ? 'primary' : 'eventual';
  }

  /**
   * The strictest requirement of `sessions`: the primary when one is in `primary` mode, else the furthest position
   * a read-your-writes session needs (a promise when a primary position must be fetched), else none.
   */
  of(sessions: readonly (Session | undefined)[], optedIn = false): Requirement | Promise<Requirement> {
    if (sessions.length === 1) {
      // The common case, without the arrays below: one operation, one session (or none).
      const session = sessions[0];
      const mode = this.modeFor(session, optedIn);
      if (mode === 'primary') return 'primary';
      return session ? this.#sessionRequirement(session, mode) : null;
    }
    const modes = sessions.map((s) => this.modeFor(s, optedIn));
    if (modes.includes('primary')) return 'primary';
    const each = sessions.map((s, i) => (s ? this.#sessionRequirement(s, modes[i]!) : null));
    return Promise.all(each).then(furthest);
  }

  /**
   * What one scope's reads must see: in `read-your-writes`, its writes; with monotonic reads (eventual or
   * read-your-writes), also what its earlier reads saw. At once (no promise) when no primary position is needed.
   */
  #sessionRequirement(session: Session, mode: ConsistencyMode): Required | null | Promise<Required | null> {
    const writes = mode === 'read-your-writes';
    const seen = this.#options.monotonicReads && mode !== 'primary';
    if (!writes && !seen) return null;
    const covers = Math.max(writes ? session.pendingTick : 0, seen ? session.seenTick : 0);
    if (covers > 0) return this.#required(session, covers);
    const lsn = session.requiredLsn;
    return lsn === null ? null : { lsn, timeline: session.requiredTimeline ?? this.#firstTimeline };
  }

  /**
   * What this read must see: the scope's required position, after fetching (or reusing) a primary position that
   * covers the scope's pending writes. A failed position query starts discovery and is tried once more; then the
   * read is served, or fails with a typed error (NoPrimaryError, SplitBrainError, PrimaryUnreachableError).
   */
  async #required(session: Session, covers: number): Promise<Required | null> {
    let position: Position;
    try {
      position = await this.#primary.positionAfter(covers);
    } catch (err) {
      // The primary is gone, or answers as a standby (demoted in place by a switchover): find it again.
      if (!isUnreachable(err) && !isNotPrimary(err)) throw err;
      position = await this.#positionAfterFailover(covers);
    }
    this.#noteTimeline(position.timeline);
    session.recordLsn(position.lsn, position.covers, position.timeline);
    return { lsn: session.requiredLsn ?? position.lsn, timeline: session.requiredTimeline ?? position.timeline };
  }

  /**
   * Finds the primary again and asks it for the position; while there is none (a failover in progress), asks every
   * node again every 100 ms for up to failoverWaitMs, then fails with that typed error. Split brain never waits.
   */
  #positionAfterFailover(covers: number): Promise<Position> {
    return untilPrimary(async () => {
      await this.#primary.discover();
      return this.#primary.positionAfter(covers);
    }, Date.now() + this.#options.failoverWaitMs);
  }

  #noteTimeline(timeline: number): void {
    if (this.#firstTimeline === null) this.#firstTimeline = timeline;
    else if (timeline !== this.#firstTimeline) {
      this.#timelineChanged = true;
      this.#firstTimeline = timeline;
    }
  }

  /** `host` is known, without asking, to have what `required` asks: replayed past it on its timeline. */
  knownSatisfied(host: ReplicaHost, required: Required): boolean {
    return host.knownToHaveReached(required.lsn) && this.sameTimeline(host, required);
  }

  /**
   * May `host` serve a read that must see `required`? Only on the same timeline: a replica that received more of
   * an old primary's WAL than the promoted one has positions that mean nothing on the new timeline. A replica whose
   * timeline is not visible counts as on it until a promotion has been seen.
   */
  sameTimeline(host: ReplicaHost, required: Required): boolean {
    const timeline = host.replay.timeline;
    if (timeline === null || required.timeline === null) return !this.#timelineChanged;
    return timeline === required.timeline;
  }
}

/** The furthest of several required positions (null when none is required). */
function furthest(all: readonly (Required | null)[]): Required | null {
  let best: Required | null = null;
  for (const r of all) if (r && (!best || hasReached(r.lsn, best.lsn))) best = r;
  return best;
}
