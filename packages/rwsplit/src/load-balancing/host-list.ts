// Chooses among the eligible replicas. Least outstanding reads by default; the strategy is pluggable.
import type { ReplicaHost } from './replica-host';

/**
 * Picks one host from a non-empty list of eligible hosts.
 * @example const leastLag: SelectionStrategy = (hosts) => [...hosts].sort((a, b) => (a.health.lagBytes ?? 0) - (b.health.lagBytes ?? 0))[0]!;
 */
export type SelectionStrategy = (eligible: readonly ReplicaHost[]) => ReplicaHost;

/** Round-robin over whatever is eligible at the moment of each call. */
export function roundRobin(): SelectionStrategy {
  let next = 0;
  return (eligible) => {
    const host = eligible[next % eligible.length]!;
    next = (next + 1) % Number.MAX_SAFE_INTEGER;
    return host;
  };
}

/**
 * The host with the fewest routed reads still running, ties broken at random: a replica that slows down (a long
 * query, a busy disk) gets fewer new reads at once, without waiting for a health check to notice. With one read
 * at a time every host ties, so reads spread at random.
 */
export function leastOutstanding(random: () => number = Math.random): SelectionStrategy {
  return (eligible) => {
    let fewest = Infinity;
    let tied = 0;
    let chosen = eligible[0]!;
    for (const host of eligible) {
      const n = host.inFlight;
      if (n < fewest) {
        fewest = n;
        tied = 1;
        chosen = host;
      } else if (n === fewest && random() * ++tied < 1) {
        // Reservoir sampling: each of the tied hosts ends up chosen with probability 1/tied.
        chosen = host;
      }
    }
    return chosen;
  };
}

/** Picks the host whose last check showed the fewest bytes of lag. */
export const leastLag: SelectionStrategy = (eligible) =>
  eligible.reduce((best, h) => ((h.health.lagBytes ?? Infinity) < (best.health.lagBytes ?? Infinity) ? h : best));

export class HostList {
  #hosts: readonly ReplicaHost[];
  readonly #strategy: SelectionStrategy;

  constructor(hosts: readonly ReplicaHost[], strategy: SelectionStrategy = leastOutstanding()) {
    this.#hosts = hosts;
    this.#strategy = strategy;
  }

  /** The replicas now (a topology source may add and remove them while the application runs). */
  get hosts(): readonly ReplicaHost[] {
    return this.#hosts;
  }

  /** Adds a replica; it serves reads once a check has found it eligible. */
  add(host: ReplicaHost): void {
    this.#hosts = [...this.#hosts, host];
  }

  /** Takes a replica out: no new read goes to it (reads already on it finish). */
  remove(host: ReplicaHost): void {
    this.#hosts = this.#hosts.filter((h) => h !== host);
  }

  /** The hosts eligible now, less those in `exclude` (tried already by this read). */
  eligible(exclude?: ReadonlySet<ReplicaHost>): ReplicaHost[] {
    return this.#hosts.filter((h) => !exclude?.has(h) && h.isEligible());
  }

  /** The next eligible host, or undefined when none qualifies. */
  next(exclude?: ReadonlySet<ReplicaHost>): ReplicaHost | undefined {
    return this.choose(this.eligible(exclude));
  }

  /** Applies the strategy to `candidates` (e.g. the eligible hosts that have caught up); undefined when empty. */
  choose(candidates: readonly ReplicaHost[]): ReplicaHost | undefined {
    return candidates.length === 0 ? undefined : this.#strategy(candidates);
  }
}
