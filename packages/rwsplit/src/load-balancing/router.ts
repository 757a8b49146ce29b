// The load balancer: decides which node serves a read, given the scope's consistency mode, the replicas'
// health and the scope's last write position; retries a read once elsewhere after a connection error.
import { currentSession, type Session } from '../consistency/session';
import { NoReplicaAvailableError } from '../errors';
import type { EventListener, NodeRole } from '../events';
import type { ConsistencyMode } from '../options';
import { isConnectionError } from '../postgres/connection-errors';
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
}

/** What the router needs of the primary: its client, its label, and its WAL insert position. */
export interface PrimaryEndpoint {
  readonly client: NodeClient;
  name(): string;
  /** The primary's WAL insert LSN now (after every write that has returned). */
  walInsertLsn(): Promise<string>;
}

type Target = { client: NodeClient; name: string; role: NodeRole; host?: ReplicaHost };

const POLL_MS = 5;

export class Router {
  readonly #hosts: HostList;
  readonly #primary: PrimaryEndpoint;
  readonly #options: RouterOptions;
  readonly #onEvent: EventListener;

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
   * Runs a read on the chosen node. A connection error on a replica ejects it and the read is retried exactly
   * once, on another eligible replica (or the primary when none is left); if the retry's replica fails to connect
   * too, it is ejected as well and that error is surfaced.
   */
  async read<T>(operation: string, run: (client: NodeClient) => Promise<T>): Promise<T> {
    const session = currentSession();
    // Eventual and primary reads choose synchronously: no promise to await on the hot path.
    const required = session?.mode === 'read-your-writes' ? await this.#requiredLsn(session) : null;
    const picked = this.#choose(session, required);
    const first = picked instanceof Promise ? await picked : picked;
    try {
      return await this.#timed(first, operation, run);
    } catch (err) {
      if (!first.host || !isConnectionError(err)) throw err;
      this.#eject(first.host);
      const second = await this.#choose(session, required, first.host);
      try {
        return await this.#timed(second, operation, run);
      } catch (retryError) {
        if (second.host && isConnectionError(retryError)) this.#eject(second.host);
        throw retryError;
      }
    }
  }

  /** Runs a read that the caller sent to the primary itself (`$primary()`): timed and reported like any read. */
  readOnPrimary<T>(operation: string, run: () => Promise<T>): Promise<T> {
    return this.#timed(this.#primaryTarget(), operation, run);
  }

  /** The LSN this read must see, fetching the primary's position once after the scope's pending writes. */
  async #requiredLsn(session: Session | undefined): Promise<string | null> {
    if (!session || session.mode !== 'read-your-writes') return null;
    if (session.hasPendingWrite) session.recordLsn(await this.#primary.walInsertLsn());
    return session.requiredLsn;
  }

  /** The node for a read: at once for primary and eventual reads, after caught-up checks for read-your-writes. */
  #choose(session: Session | undefined, required: string | null, exclude?: ReplicaHost): Target | Promise<Target> {
    if (this.modeFor(session) === 'primary') return this.#primaryTarget();
    if (required === null) {
      const host = this.#hosts.next(exclude);
      return host ? this.#replicaTarget(host) : this.#fallback('no_eligible_replica');
    }
    return this.#chooseCaughtUp(required, exclude);
  }

  async #chooseCaughtUp(required: string, exclude?: ReplicaHost): Promise<Target> {
    const deadline = Date.now() + this.#options.readYourWritesWaitMs;
    for (;;) {
      const eligible = this.#hosts.eligible(exclude);
      if (eligible.length === 0) return this.#fallback('no_eligible_replica');
      // The strategy picks among the replicas that have caught up, asked in parallel (those whose last check
      // already shows the position answer without a query).
      const host = this.#hosts.choose(await this.#caughtUp(eligible, required));
      if (host) return this.#replicaTarget(host);
      if (Date.now() >= deadline) return this.#fallback('not_caught_up');
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** The hosts among `eligible` that have replayed `lsn`; one that cannot be reached is ejected and left out. */
  async #caughtUp(eligible: readonly ReplicaHost[], lsn: string): Promise<ReplicaHost[]> {
    const known = eligible.filter((h) => h.knownToHaveReached(lsn));
    if (known.length === eligible.length) return known;
    const answers = await Promise.all(
      eligible.map((host) =>
        host.hasCaughtUp(lsn).catch(() => {
          this.#eject(host);
          return false;
        }),
      ),
    );
    return eligible.filter((_, i) => answers[i]);
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

  #eject(host: ReplicaHost): void {
    host.eject('connection_error');
    const { lagMs, lagBytes } = host.health;
    this.#onEvent({ event: 'replica_ejected', node: host.name, reason: 'connection_error', lagMs, lagBytes });
  }

  async #timed<T>(target: Target, operation: string, run: (client: NodeClient) => Promise<T>): Promise<T> {
    const start = performance.now();
    let ok = false;
    try {
      const result = await run(target.client);
      ok = true;
      return result;
    } finally {
      this.#onEvent({
        event: 'query',
        node: target.name,
        role: target.role,
        operation,
        durationMs: performance.now() - start,
        ok,
      });
    }
  }
}
