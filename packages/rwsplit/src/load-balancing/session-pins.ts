// Monotonic reads (option monotonicReads): a session's reads never see an older state than its earlier reads did.
// A session stays on ("is pinned to") the replica its last read used while that replica may serve it: a replica only
// moves forward. A session that must leave it first takes the primary's position as of then as seen (Session.markSeen),
// so the next node must have at least that; a read served by the primary is recorded the same way.
import type { Session } from '../consistency/session';
import type { HostList } from './host-list';
import type { ReadRequirements, Requirement } from './read-requirements';
import type { ReplicaHost } from './replica-host';

/** What the pins need of a read: the sessions it serves. */
interface PinnedRead {
  readonly sessions: readonly (Session | undefined)[];
}

const pinOf = (session: Session | undefined): ReplicaHost | null => (session?.pinned ?? null) as ReplicaHost | null;

export class SessionPins {
  readonly #hosts: HostList;
  readonly #requirements: ReadRequirements;
  readonly #tick: () => number;
  readonly enabled: boolean;

  /** @param tick a WriteClock tick: a primary position fetched from then on covers the primary's state now. */
  constructor(hosts: HostList, requirements: ReadRequirements, tick: () => number, enabled: boolean) {
    this.#hosts = hosts;
    this.#requirements = requirements;
    this.#tick = tick;
    this.enabled = enabled;
  }

  /**
   * Before a read's requirement is taken: a session leaves a replica that can no longer serve it (out of rotation,
   * or gone from the topology), and every session of a read that serves several (Prisma compacted their calls).
   */
  settle(read: PinnedRead): void {
    if (!this.enabled) return;
    const single = read.sessions.length === 1;
    for (const session of read.sessions) {
      const host = pinOf(session);
      if (!session || !host) continue;
      if (single && host.isEligible() && this.#hosts.hosts.includes(host)) continue;
      this.#leave(session);
    }
  }

  /** The replica a single session's read stays on: its pin, when known to have what the read must see. */
  stay(read: PinnedRead, requirement: Requirement): ReplicaHost | undefined {
    const host = read.sessions.length === 1 ? pinOf(read.sessions[0]) : null;
    if (!host || requirement === 'primary') return undefined;
    if (requirement === null) return host;
    return this.#requirements.knownSatisfied(host, requirement) ? host : undefined;
  }

  /** Some session of the read is still pinned (after `stay` declined: it must leave first). */
  pinned(read: PinnedRead): boolean {
    return this.enabled && read.sessions.some((s) => pinOf(s) !== null);
  }

  /** Every session of the read leaves its replica. */
  leaveAll(read: PinnedRead): void {
    for (const session of read.sessions) if (session && pinOf(session)) this.#leave(session);
  }

  /** After a read served by `host` (undefined: the primary): its sessions stay there, or saw the primary's state. */
  saw(read: PinnedRead, host: ReplicaHost | undefined): void {
    if (!this.enabled) return;
    for (const session of read.sessions) {
      if (!session || this.#requirements.modeFor(session) === 'primary') continue;
      if (host) session.pinned = host;
      else this.#leave(session);
    }
  }

  #leave(session: Session): void {
    session.pinned = null;
    session.markSeen(this.#tick());
  }
}
