// The load balancer: decides which node serves a read, given the scope's consistency mode, the replicas' health
// and the scope's last write position; retries a read once elsewhere after a connection error or a missed
// deadline. Every failure it cannot route around is a typed RwsplitError with the driver's error as cause; a query
// error of the application's own (a constraint, a syntax error) passes through unchanged.
import { currentSession, type Session } from '../consistency/session';
import { NoPrimaryError, NoReplicaAvailableError, PrimaryUnreachableError, ReplicaUnreachableError } from '../errors';
import type { EventListener, NodeRole } from '../events';
import type { ConsistencyMode } from '../options';
import { isNotPrimary, isTimeout, isUnreachable } from '../postgres/connection-errors';
import { hasReached, type LsnText } from '../postgres/lsn';
import type { Position } from '../primary/primary-position';
import type { NodeClient } from '../prisma/node-client';
import type { HostList } from './host-list';
import type { ReplicaHost } from './replica-host';

export interface RouterOptions {
  /** Reads go to the primary when no replica is eligible. Default true. */
  readonly fallbackToPrimary: boolean;
  /** Consistency inside a session scope when the scope names none. Default `read-your-writes`. */
  readonly consistency: ConsistencyMode;
  /** How long a read-your-writes read may wait for a replica to catch up before using the primary, ms. Default 0. */
  readonly readYourWritesWaitMs: number;
  /** The deadline of a read on a replica, in ms (enforced by the replica pools' query_timeout). */
  readonly replicaReadTimeoutMs: number;
  /** How long a read-your-writes read waits for a primary to appear when there is none, in ms. */
  readonly failoverWaitMs: number;
}

/** What the router needs of the primary: its client, its label, its position, and failover discovery. */
export interface PrimaryEndpoint {
  readonly client: NodeClient;
  name(): string;
  /** A primary position that covers every write up to WriteClock tick `covers`. */
  positionAfter(covers: number): Promise<Position>;
  /** Finds the primary again (after its position query failed); rejects with NoPrimaryError / SplitBrainError. */
  discover(): Promise<unknown>;
}

type Target = { client: NodeClient; name: string; role: NodeRole; host?: ReplicaHost };

/** What a read-your-writes read must see: a position, on a timeline. */
interface Required {
  readonly lsn: LsnText;
  /** The primary's timeline when the position was taken (null: from a causal token, timeline unknown). */
  readonly timeline: number | null;
}

const POLL_MS = 5;
/** How often a read waiting out a failover asks the nodes for a primary again. */
const FAILOVER_POLL_MS = 100;

export class Router {
  readonly #hosts: HostList;
  readonly #primary: PrimaryEndpoint;
  readonly #options: RouterOptions;
  readonly #onEvent: EventListener;
  /** The primary's timeline as first seen, and whether it has changed since (a promotion happened). */
  #firstTimeline: number | null = null;
  #timelineChanged = false;

  constructor(hosts: HostList, primary: PrimaryEndpoint, options: RouterOptions, onEvent: EventListener) {
    this.#hosts = hosts;
    this.#primary = primary;
    this.#options = options;
    this.#onEvent = onEvent;
  }

  /** The mode a read runs under: the scope's, else `eventual` outside any scope (nothing to be consistent with). */
  modeFor(session: Session | undefined): ConsistencyMode {
    return session ? session.mode : this.#options.consistency === 'primary' ? 'primary' : 'eventual';
  }

  /**
   * Runs a read on the chosen node. A connection error or a missed deadline on a replica ejects it and the read is
   * retried once, on another eligible replica (or the primary when none is left); if that replica fails the same
   * way, it is ejected too and the primary answers (with `fallbackToPrimary`; otherwise a typed error says so).
   */
  read<T>(operation: string, run: (client: NodeClient) => Promise<T>): Promise<T> {
    const session = currentSession();
    if (session?.mode === 'read-your-writes') return this.#readConsistent(session, operation, run);
    // Eventual and primary reads: the node is chosen synchronously and the query's own promise is returned with
    // one handler, no async frame in between (each would add microtask hops to every read).
    const first = this.#choose(session, null) as Target;
    return this.#timed(first, operation, run).catch((err: unknown) =>
      this.#retry(session, null, first, operation, run, err),
    );
  }

  async #readConsistent<T>(session: Session, operation: string, run: (client: NodeClient) => Promise<T>): Promise<T> {
    const required = await this.#required(session);
    const first = await this.#choose(session, required);
    try {
      return await this.#timed(first, operation, run);
    } catch (err) {
      return this.#retry(session, required, first, operation, run, err);
    }
  }

  /** After a failed attempt: once on another node, then the primary (with fallbackToPrimary), else a typed error. */
  async #retry<T>(
    session: Session | undefined,
    required: Required | null,
    first: Target,
    operation: string,
    run: (client: NodeClient) => Promise<T>,
    err: unknown,
  ): Promise<T> {
    if (!first.host || !isUnreachable(err)) throw this.#typed(first, operation, err);
    this.#eject(first.host, isTimeout(err) ? 'timeout' : 'connection_error');
    const second = await this.#choose(session, required, first.host);
    try {
      return await this.#timed(second, operation, run);
    } catch (retryError) {
      if (!second.host || !isUnreachable(retryError)) throw this.#typed(second, operation, retryError);
      this.#eject(second.host, isTimeout(retryError) ? 'timeout' : 'connection_error');
      // Two replicas failed in a row (e.g. one partitioned, one just killed): the primary answers, when allowed.
      if (!this.#options.fallbackToPrimary) throw this.#typed(second, operation, retryError);
      const last = this.#fallback('no_eligible_replica');
      try {
        return await this.#timed(last, operation, run);
      } catch (lastError) {
        throw this.#typed(last, operation, lastError);
      }
    }
  }

  /** Runs a read that the caller sent to the primary itself (`$primary()`): timed and reported like any read. */
  readOnPrimary<T>(operation: string, run: () => Promise<T>): Promise<T> {
    return this.#timed(this.#primaryTarget(), operation, run);
  }

  /**
   * What this read must see: the scope's required position, after fetching (or reusing) a primary position that
   * covers the scope's pending writes. A failed position query starts discovery and is tried once more; then the
   * read is served, or fails with a typed error (NoPrimaryError, SplitBrainError, PrimaryUnreachableError).
   */
  async #required(session: Session): Promise<Required | null> {
    if (session.hasPendingWrite) {
      const covers = session.pendingTick;
      let position: Position;
      try {
        position = await this.#primary.positionAfter(covers);
      } catch (err) {
        // The primary is gone, or answers as a standby (demoted in place by a switchover): find it again.
        if (!isUnreachable(err) && !isNotPrimary(err)) throw err;
        position = await this.#positionAfterFailover(covers);
      }
      this.#noteTimeline(position.timeline);
      session.recordLsn(position.lsn, position.covers);
      return { lsn: session.requiredLsn ?? position.lsn, timeline: position.timeline };
    }
    const lsn = session.requiredLsn;
    return lsn === null ? null : { lsn, timeline: this.#firstTimeline };
  }

  /**
   * Finds the primary again and asks it for the position; while there is none (a failover in progress), asks every
   * node again every 100 ms for up to failoverWaitMs, then fails with that typed error. Split brain never waits.
   */
  async #positionAfterFailover(covers: number): Promise<Position> {
    const deadline = Date.now() + this.#options.failoverWaitMs;
    for (;;) {
      try {
        await this.#primary.discover();
        return await this.#primary.positionAfter(covers);
      } catch (err) {
        const transient = err instanceof NoPrimaryError || isUnreachable(err) || isNotPrimary(err);
        if (!transient || Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, FAILOVER_POLL_MS));
      }
    }
  }

  #noteTimeline(timeline: number): void {
    if (this.#firstTimeline === null) this.#firstTimeline = timeline;
    else if (timeline !== this.#firstTimeline) {
      this.#timelineChanged = true;
      this.#firstTimeline = timeline;
    }
  }

  /** The node for a read: at once for primary and eventual reads, after caught-up checks for read-your-writes. */
  #choose(session: Session | undefined, required: Required | null, exclude?: ReplicaHost): Target | Promise<Target> {
    if (this.modeFor(session) === 'primary') return this.#primaryTarget();
    if (required === null) {
      const host = this.#hosts.next(exclude);
      return host ? this.#replicaTarget(host) : this.#fallback('no_eligible_replica');
    }
    return this.#chooseCaughtUp(required, exclude);
  }

  /**
   * A replica that has replayed `required`: one already known to have (no query), else the first to answer yes
   * among the eligible ones asked in parallel (each replica's query shared with every read waiting on it). It
   * never waits on a slow replica once the others have answered no: with no wait allowed, the primary serves.
   */
  async #chooseCaughtUp(required: Required, exclude?: ReplicaHost): Promise<Target> {
    const deadline = Date.now() + this.#options.readYourWritesWaitMs;
    for (;;) {
      const eligible = this.#hosts.eligible(exclude).filter((h) => this.#sameTimeline(h, required));
      if (eligible.length === 0) return this.#fallback('no_eligible_replica');
      const known = this.#hosts.choose(eligible.filter((h) => h.knownToHaveReached(required.lsn)));
      if (known) return this.#replicaTarget(known);
      const host = this.#hosts.choose(await this.#firstCaughtUp(eligible, required));
      if (host) return this.#replicaTarget(host);
      if (Date.now() >= deadline) return this.#fallback('not_caught_up');
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /**
   * Asks every host in parallel; resolves with the ones that have replayed `required` as soon as one has (those
   * that answered in the same moment included), or with none once the others answered no and the slow ones have
   * had as long again as the fastest answer took. A host that cannot be reached is ejected.
   */
  #firstCaughtUp(hosts: readonly ReplicaHost[], required: Required): Promise<ReplicaHost[]> {
    const started = performance.now();
    return new Promise((resolve) => {
      const yes: ReplicaHost[] = [];
      let pending = hosts.length;
      let settled = false;
      let grace: ReturnType<typeof setTimeout> | undefined;
      const finish = () => {
        if (settled) return;
        settled = true;
        if (grace) clearTimeout(grace);
        resolve(yes);
      };
      for (const host of hosts) {
        host
          .replayState()
          .then(
            (state) => {
              if (state.lsn !== null && hasReached(state.lsn, required.lsn) && this.#sameTimeline(host, required)) {
                yes.push(host);
                // Others answering in the same tick still join the choice.
                queueMicrotask(finish);
              }
            },
            (err: unknown) => this.#eject(host, isTimeout(err) ? 'timeout' : 'connection_error'),
          )
          .finally(() => {
            pending--;
            if (pending === 0) finish();
            else if (!grace && !settled) {
              // The first answer sets the pace: a replica twice as slow as the fastest is not waited for.
              const waitMs = Math.max(1, performance.now() - started);
              grace = setTimeout(finish, waitMs);
            }
          });
      }
    });
  }

  /**
   * May `host` serve a read that must see `required`? Only on the same timeline: a replica that received more of
   * an old primary's WAL than the promoted one has positions that mean nothing on the new timeline. A replica whose
   * timeline is not visible counts as on it until a promotion has been seen.
   */
  #sameTimeline(host: ReplicaHost, required: Required): boolean {
    const timeline = host.replay.timeline;
    if (timeline === null || required.timeline === null) return !this.#timelineChanged;
    return timeline === required.timeline;
  }

  #fallback(reason: 'no_eligible_replica' | 'not_caught_up'): Target {
    if (reason === 'no_eligible_replica' && !this.#options.fallbackToPrimary) {
      const states = this.#hosts.hosts
        .map((h) => `${h.name}: ${h.reason(this.#hosts.limits) ?? 'eligible'}`)
        .join(', ');
      throw new NoReplicaAvailableError(
        `No replica can serve this read (${states || 'no replicas configured'}) and fallbackToPrimary is off. ` +
          'Turn fallbackToPrimary on, raise maxLagMs/maxLagBytes, or bring a replica back.',
      );
    }
    this.#onEvent({ event: 'primary_fallback_read', reason });
    return this.#primaryTarget();
  }

  #primaryTarget(): Target {
    return { client: this.#primary.client, name: this.#primary.name(), role: 'primary' };
  }

  #replicaTarget(host: ReplicaHost): Target {
    return { client: host.client, name: host.name, role: 'replica', host };
  }

  /** Ejects `host`, reporting it only when this changed its state (concurrent failing reads report it once). */
  #eject(host: ReplicaHost, reason: 'connection_error' | 'timeout'): void {
    if (!host.eject(reason, this.#hosts.limits)) return;
    const { lagMs, lagBytes } = host.health;
    this.#onEvent({ event: 'replica_ejected', node: host.name, reason, lagMs, lagBytes });
  }

  /** A failure of the node itself becomes a typed error naming it; the application's own query errors pass. */
  #typed(target: Target, operation: string, err: unknown): unknown {
    if (!isUnreachable(err)) return err;
    if (target.role === 'replica') {
      return new ReplicaUnreachableError(
        `The ${operation} on replica ${target.name} failed (${isTimeout(err) ? `no answer within replicaReadTimeoutMs = ${this.#options.replicaReadTimeoutMs} ms` : 'connection error'}) ` +
          'after a retry elsewhere; it is out of rotation until its next passing check. Retry the read, or turn ' +
          'fallbackToPrimary on so the primary answers when replicas fail.',
        { cause: err },
      );
    }
    void this.#primary.discover().catch(() => undefined);
    return new PrimaryUnreachableError(
      `The ${operation} on the primary ${target.name} failed with a connection error; failover discovery has ` +
        'started. Retry the read.',
      { cause: err },
    );
  }

  /** Runs `run` on the target and reports it as a `query` event (ok or not), with one handler on its promise. */
  #timed<T>(target: Target, operation: string, run: (client: NodeClient) => Promise<T>): Promise<T> {
    const start = performance.now();
    const done = target.host?.started();
    const report = (ok: boolean) => {
      done?.();
      this.#onEvent({
        event: 'query',
        node: target.name,
        role: target.role,
        operation,
        durationMs: performance.now() - start,
        ok,
      });
    };
    let pending: Promise<T>;
    try {
      pending = run(target.client);
    } catch (err) {
      report(false);
      return Promise.reject(err);
    }
    return pending.then(
      (result) => {
        report(true);
        return result;
      },
      (err: unknown) => {
        report(false);
        throw err;
      },
    );
  }
}
