// The load balancer: decides which node serves a read, given the consistency modes of the sessions it serves, the
// replicas' health and the sessions' last write positions, and runs it there within the read's deadline budget,
// moving on to the next candidate when a node fails. Every failure it cannot route around is a typed RwsplitError
// with the driver's error as cause; a query error of the application's own (a constraint, a syntax error, 1/0)
// passes through unchanged and ejects nothing.
import { NoReplicaAvailableError, PrimaryUnreachableError, ReadTimeoutError, ReplicaUnreachableError } from '../errors';
import type { Session } from '../consistency/session';
import type { EventListener, NodeRole } from '../events';
import type { ConsistencyMode } from '../options';
import { isConnectionError, isRecoveryConflict, isTimeout, isUnreachable } from '../postgres/connection-errors';
import { hasReached } from '../postgres/lsn';
import { DeadlineExceededError } from '../postgres/statement-deadline';
import type { Position } from '../primary/primary-position';
import { untilPrimary } from '../primary/until-primary';
import type { NodeAdapter } from '../prisma/node-adapter';
import type { HostList } from './host-list';
import { ReadRequirements, type Required, type Requirement } from './read-requirements';
import type { ReplicaHost } from './replica-host';
import { SessionPins } from './session-pins';

export interface RouterOptions {
  /** Reads go to the primary when no replica is eligible. Default true. */
  readonly fallbackToPrimary: boolean;
  /** Consistency inside a session scope when the scope names none. Default `read-your-writes`. */
  readonly consistency: ConsistencyMode;
  /** How long a read-your-writes read may wait for a replica to catch up before using the primary, ms. Default 0. */
  readonly readYourWritesWaitMs: number;
  /** The deadline budget of one read across its replica attempts, in ms. */
  readonly replicaReadTimeoutMs: number;
  /** How long a read-your-writes read waits for a primary to appear when there is none, in ms. */
  readonly failoverWaitMs: number;
  /** Where reads outside a session go unless they opt in with `$replica()`. Default `replica`. */
  readonly defaultReads: 'replica' | 'primary';
  /** A session's reads never see an older state than its earlier reads did (modes but `primary`). Default true. */
  readonly monotonicReads: boolean;
}

/** What the router needs of the primary: its node, its label, its position, and failover discovery. */
export interface PrimaryEndpoint {
  readonly node: NodeAdapter;
  name(): string;
  /** A primary position that covers every write up to WriteClock tick `covers`. */
  positionAfter(covers: number): Promise<Position>;
  /** Finds the primary again (after its position query failed); rejects with NoPrimaryError / SplitBrainError. */
  discover(): Promise<unknown>;
  /** A WriteClock tick: a primary position fetched from now on covers what the primary had until now. */
  tick(): number;
}

/** The node a read (or one attempt of it) runs on. */
export interface Target {
  readonly node: NodeAdapter;
  readonly name: string;
  readonly role: NodeRole;
  /** The replica, when the node is one (the primary has none). */
  readonly host?: ReplicaHost;
  /** Why a read went to the primary although it might have used a replica. */
  readonly fallback?: FallbackReason;
}

/** Why a read went to the primary: no replica was eligible, or none had replayed what the read must see. */
export type FallbackReason = 'no_eligible_replica' | 'not_caught_up';

/**
 * One routed read: a Prisma operation, which may run several statements. The router fills in its requirement,
 * its node (every statement of the operation runs there) and its deadline budget on the first statement.
 */
export interface ReadRequest {
  readonly operation: string;
  /**
   * The sessions the read answers: its own (undefined outside a scope), plus those of calls Prisma compacted into
   * the same statement. The strictest wins.
   */
  readonly sessions: readonly (Session | undefined)[];
  /** Sent with `$replica()`: outside a session it may go to a replica even when reads default to the primary. */
  readonly optedIn?: boolean;
  requirement?: Requirement;
  target?: Target;
  /** When the replica attempts' budget ends (`performance.now()`). */
  budgetEndsAt?: number;
  /** When the current attempt started (`performance.now()`). */
  attemptStartedAt?: number;
  /** Learns the error a failed read ends with (the adapter surfaces rwsplit's typed errors through it). */
  report?(err: unknown): void;
}

/** Passes a failure on as it is. */
const rethrow = (err: unknown): Promise<never> => Promise.reject(err);
const noop = (): void => undefined;

/** Runs the read's statement on a target, before `deadlineAt` when given. */
export type ReadAttempt<T> = (target: Target, deadlineAt: number | undefined) => Promise<T>;

const POLL_MS = 5;

export class Router {
  readonly #hosts: HostList;
  readonly #primary: PrimaryEndpoint;
  readonly #options: RouterOptions;
  readonly #onEvent: EventListener;
  readonly #requirements: ReadRequirements;
  readonly #pins: SessionPins;

  constructor(hosts: HostList, primary: PrimaryEndpoint, options: RouterOptions, onEvent: EventListener) {
    this.#hosts = hosts;
    this.#primary = primary;
    this.#options = options;
    this.#onEvent = onEvent;
    this.#requirements = new ReadRequirements(primary, options);
    this.#pins = new SessionPins(hosts, this.#requirements, () => primary.tick(), options.monotonicReads);
  }

  /**
   * Runs one statement of a read. The first statement chooses the node; the others run on it. When a replica
   * fails, the read moves on in one loop: a replica that refused or dropped the connection is ejected and the next
   * candidate is tried (another replica within the deadline budget, then the primary with `fallbackToPrimary`).
   * A replica that does not answer by the deadline is cancelled there, ejected, and the read goes to the primary.
   * A replica that confirms it stopped a slow statement stays in rotation and the read fails with
   * ReadTimeoutError: a statement that slow would be as slow elsewhere, and retrying would multiply the load.
   */
  read<T>(request: ReadRequest, run: ReadAttempt<T>): Promise<T> {
    try {
      return this.#read(request, run);
    } catch (err) {
      request.report?.(err);
      throw err;
    }
  }

  #read<T>(request: ReadRequest, run: ReadAttempt<T>): Promise<T> {
    const moveOn = (err: unknown) => this.#moveOn(request, run, err);
    const known = request.target;
    if (known) return this.#attempt(request, known, run, moveOn);
    const requirement = this.#requirementOf(request);
    if (requirement instanceof Promise) return this.#readAfter(requirement, request, run);
    request.requirement = requirement;
    const pinned = this.#pinned(request, requirement);
    if (pinned) {
      request.target = pinned;
      return this.#attempt(request, pinned, run, moveOn);
    }
    // Its replica does not have what a read-your-writes scope wrote: the scope leaves it first.
    if (this.#pins.pinned(request)) {
      return this.#readAfter(this.#requirementOfLeaving(request), request, run);
    }
    // A position to be caught up with: chosen after asking the replicas.
    if (requirement !== null && requirement !== 'primary') {
      return this.#readAfter(Promise.resolve(requirement), request, run);
    }
    // Eventual and primary reads: the node is chosen synchronously and the statement's own promise is returned
    // with one handler, no async frame in between.
    const first = this.#choose(requirement) as Target;
    request.target = first;
    return this.#attempt(request, first, run, moveOn);
  }

  /**
   * Before an operation enters Prisma's engine: when its node can only be chosen after a wait (a read-your-writes
   * read needs the primary's position, or a replica that has replayed it), chooses it now. The reads one answer
   * releases then reach Prisma in the same tick, and Prisma compacts their `findUnique` calls into one statement as
   * it does on a plain client; chosen at the first statement instead, each would run a statement of its own.
   * Undefined when nothing needs waiting for (a replica is already known to have replayed what the read needs):
   * the first statement chooses at once.
   */
  prepare(request: ReadRequest): Promise<void> | undefined {
    if (request.target) return undefined;
    const requirement = this.#requirementOf(request);
    if (requirement === null || requirement === 'primary') return undefined;
    if (!(requirement instanceof Promise) && this.#knownCaughtUp(requirement)) return undefined;
    return this.#settle(requirement, request).then(noop);
  }

  /** The read's requirement, after its sessions have left replicas they cannot stay on (see SessionPins). */
  #requirementOf(request: ReadRequest): Requirement | Promise<Requirement> {
    this.#pins.settle(request);
    return this.#requirements.of(request.sessions, request.optedIn);
  }

  /** The replica a single session's read stays on (monotonic reads), as a target, or undefined. */
  #pinned(request: ReadRequest, requirement: Requirement): Target | undefined {
    const host = this.#pins.stay(request, requirement);
    return host ? this.#replicaTarget(host) : undefined;
  }

  /** Its sessions leave their replicas, then what the read must see (the primary's position now, at least). */
  #requirementOfLeaving(request: ReadRequest): Promise<Requirement> {
    this.#pins.leaveAll(request);
    return Promise.resolve(this.#requirements.of(request.sessions, request.optedIn));
  }

  /** Some eligible replica is known, without asking, to have replayed `required`. */
  #knownCaughtUp(required: Required): boolean {
    return this.#hosts.eligible().some((h) => this.#requirements.knownSatisfied(h, required));
  }

  async #readAfter<T>(requirement: Promise<Requirement>, request: ReadRequest, run: ReadAttempt<T>): Promise<T> {
    const target = await this.#settle(requirement, request);
    return this.#attempt(request, target, run, (err) => this.#moveOn(request, run, err));
  }

  /** Sets the read's requirement and first node, after what they wait for; a failure is reported to the read. */
  async #settle(requirement: Requirement | Promise<Requirement>, request: ReadRequest): Promise<Target> {
    try {
      request.requirement = await requirement;
      const pinned = this.#pinned(request, request.requirement);
      if (pinned) return (request.target = pinned);
      // A scope whose replica does not have what it must see leaves it (and so requires the primary's position).
      if (this.#pins.pinned(request)) {
        request.requirement = await this.#requirementOfLeaving(request);
      }
      return (request.target = await this.#choose(request.requirement));
    } catch (err) {
      request.report?.(err);
      throw err;
    }
  }

  /** After a failed attempt: the one retry loop over the remaining candidates; the error it ends with is reported. */
  async #moveOn<T>(request: ReadRequest, run: ReadAttempt<T>, err: unknown): Promise<T> {
    try {
      return await this.#retry(request, run, err);
    } catch (final) {
      request.report?.(final);
      throw final;
    }
  }

  async #retry<T>(request: ReadRequest, run: ReadAttempt<T>, err: unknown): Promise<T> {
    const tried = new Set<ReplicaHost>();
    let primaryLost = false;
    for (let error = err; ;) {
      const failed = request.target!;
      const host = failed.host;
      let next: Target | Promise<Target> | undefined;
      if (host && isRecoveryConflict(error)) {
        // The standby cancelled the read to replay the primary's WAL: it is healthy, so it stays in rotation.
        this.#onEvent({ event: 'recovery_conflict', node: failed.name });
        tried.add(host);
        next = this.#next(request, tried);
        if (!next) throw error;
        this.#onEvent({ event: 'read_retried', node: failed.name, role: 'replica', reason: 'recovery_conflict' });
      } else if (!host) {
        // The primary went away under the read (a read is idempotent): once, a replica that may serve it, or the
        // primary failover discovery finds within failoverWaitMs.
        if (primaryLost || !isConnectionError(error)) throw this.#typed(failed, request.operation, error);
        primaryLost = true;
        next = this.#afterPrimaryLoss(request.requirement ?? null, tried);
        this.#onEvent({ event: 'read_retried', node: failed.name, role: 'primary', reason: 'primary_unreachable' });
      } else {
        if (!isUnreachable(error)) throw this.#typed(failed, request.operation, error);
        if (error instanceof DeadlineExceededError && error.serverStopped) {
          throw new ReadTimeoutError(
            `The ${request.operation} on replica ${failed.name} ran past replicaReadTimeoutMs = ` +
              `${this.#options.replicaReadTimeoutMs} ms, and the replica stopped it. It was not retried elsewhere: ` +
              'a statement that slow would be as slow on another node. Make the query faster, or raise ' +
              'replicaReadTimeoutMs.',
            { cause: error },
          );
        }
        this.#eject(host, error);
        tried.add(host);
        next = this.#next(request, tried);
        if (!next) throw this.#typed(failed, request.operation, error);
      }
      this.#reportFailed(request, failed);
      try {
        request.target = await next;
        return await this.#attempt(request, request.target, run, rethrow);
      } catch (nextError) {
        error = nextError;
      }
    }
  }

  /**
   * Where a read goes after the primary failed under it: a replica that may serve it now (any eligible one for an
   * eventual read, one known to have replayed a read-your-writes position), else the primary failover discovery
   * finds, asking every 100 ms for up to failoverWaitMs (NoPrimaryError past it).
   */
  async #afterPrimaryLoss(required: Requirement, tried: ReadonlySet<ReplicaHost>): Promise<Target> {
    if (required !== 'primary') {
      const candidates = this.#hosts
        .eligible(tried)
        .filter((h) => required === null || this.#requirements.knownSatisfied(h, required));
      const host = this.#hosts.choose(candidates);
      if (host) return this.#replicaTarget(host);
    }
    await untilPrimary(() => this.#primary.discover(), Date.now() + this.#options.failoverWaitMs);
    return required === 'primary' ? this.primaryTarget() : this.#choose(required, tried);
  }

  /**
   * The next candidate after a failed replica: another replica while the budget lasts (a hung replica has spent
   * it), else the primary with `fallbackToPrimary`; undefined when nothing may serve the read.
   */
  #next(request: ReadRequest, tried: ReadonlySet<ReplicaHost>): Target | Promise<Target> | undefined {
    // Monotonic reads: the next node must have what the scope saw on the replica it leaves.
    if (this.#pins.pinned(request)) {
      return this.#requirementOfLeaving(request).then((requirement) => {
        request.requirement = requirement;
        return this.#next(request, tried) ?? this.#fallback('no_eligible_replica');
      });
    }
    const budgetLeft = (request.budgetEndsAt ?? Infinity) > performance.now();
    const requirement = request.requirement ?? null;
    if (budgetLeft && this.#hosts.eligible(tried).length > 0) return this.#choose(requirement, tried);
    return this.#options.fallbackToPrimary ? this.#fallback('no_eligible_replica') : undefined;
  }

  /** A failed attempt the read moves on from, as a `query` event (the operation's last attempt reports itself). */
  #reportFailed(request: ReadRequest, failed: Target): void {
    const durationMs = performance.now() - (request.attemptStartedAt ?? performance.now());
    this.#onEvent({
      event: 'query',
      node: failed.name,
      role: failed.role,
      operation: request.operation,
      durationMs,
      ok: false,
    });
  }

  /**
   * Runs `run` on the target, `onError` on its failure (one handler on the statement's promise); a replica attempt
   * gets the read's remaining budget as its deadline.
   */
  #attempt<T>(
    request: ReadRequest,
    target: Target,
    run: ReadAttempt<T>,
    onError: (err: unknown) => Promise<T>,
  ): Promise<T> {
    const now = performance.now();
    request.attemptStartedAt = now;
    const host = target.host;
    let pending: Promise<T>;
    if (!host) {
      try {
        pending = run(target, undefined);
      } catch (err) {
        return onError(err);
      }
      if (!this.#pins.enabled) return pending.catch(onError);
      return pending.then((result) => {
        this.#pins.saw(request, target.host);
        return result;
      }, onError);
    }
    const deadlineAt = (request.budgetEndsAt ??= now + this.#options.replicaReadTimeoutMs);
    host.started();
    try {
      pending = run(target, deadlineAt);
    } catch (err) {
      host.finished();
      return onError(err);
    }
    return pending.then(
      (result) => {
        host.finished();
        this.#pins.saw(request, target.host);
        return result;
      },
      (err: unknown) => {
        host.finished();
        return onError(err);
      },
    );
  }

  /** The node for a read: at once for primary and eventual reads, after caught-up checks for read-your-writes. */
  #choose(required: Requirement, exclude?: ReadonlySet<ReplicaHost>): Target | Promise<Target> {
    if (required === 'primary') return this.primaryTarget();
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
  async #chooseCaughtUp(required: Required, exclude?: ReadonlySet<ReplicaHost>): Promise<Target> {
    const deadline = Date.now() + this.#options.readYourWritesWaitMs;
    for (;;) {
      const eligible = this.#hosts.eligible(exclude).filter((h) => this.#requirements.sameTimeline(h, required));
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
              if (
                state.lsn !== null &&
                hasReached(state.lsn, required.lsn) &&
                this.#requirements.sameTimeline(host, required)
              ) {
                yes.push(host);
                // Others answering in the same tick still join the choice.
                queueMicrotask(finish);
              }
            },
            (err: unknown) => this.#eject(host, err),
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

  #fallback(reason: FallbackReason): Target {
    if (reason === 'no_eligible_replica' && !this.#options.fallbackToPrimary) {
      const states = this.#hosts.hosts.map((h) => `${h.name}: ${h.reason() ?? 'eligible'}`).join(', ');
      throw new NoReplicaAvailableError(
        `No replica can serve this read (${states || 'no replicas configured'}) and fallbackToPrimary is off. ` +
          'Turn fallbackToPrimary on, raise maxLagMs/maxLagBytes, or bring a replica back.',
      );
    }
    this.#onEvent({ event: 'primary_fallback_read', reason });
    return { ...this.primaryTarget(), fallback: reason };
  }

  /** The primary as a target (reads sent there by `$primary()`, writes, fallback). */
  primaryTarget(): Target {
    return { node: this.#primary.node, name: this.#primary.name(), role: 'primary' };
  }

  #replicaTarget(host: ReplicaHost): Target {
    return { node: host.node, name: host.name, role: 'replica', host };
  }

  /** Ejects `host`, reporting it only when this changed its state (concurrent failing reads report it once). */
  #eject(host: ReplicaHost, err: unknown): void {
    if (!host.eject(isTimeout(err) ? 'timeout' : 'connection_error', err)) return;
    const { lagMs, lagBytes } = host.health;
    const reason = host.reason()!;
    this.#onEvent({ event: 'replica_ejected', node: host.name, reason, lagMs, lagBytes, detail: host.whyOut() });
  }

  /** A failure of the node itself becomes a typed error naming it; the application's own query errors pass. */
  #typed(target: Target, operation: string, err: unknown): unknown {
    if (!isUnreachable(err)) return err;
    if (target.role === 'replica') {
      return new ReplicaUnreachableError(
        `The ${operation} on replica ${target.name} failed (${isTimeout(err) ? `no answer within replicaReadTimeoutMs = ${this.#options.replicaReadTimeoutMs} ms` : 'connection error'}) ` +
          'and no other node may serve it; the replica is out of rotation until its next passing check. Retry the ' +
          'read, or turn fallbackToPrimary on so the primary answers when replicas fail.',
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
}
