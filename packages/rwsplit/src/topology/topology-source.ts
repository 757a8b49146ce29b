// Where the router learns its nodes from: a fixed list of URLs, or an HA manager (Patroni) that moves the leader
// and adds or removes replicas while the application runs.

/** One node as a topology source reports it. */
export interface TopologyMember {
  /** The node's postgres URL (credentials and database included). */
  readonly url: string;
  /** The source's name for it (Patroni's member name, or `host:port`). */
  readonly name: string;
  /** What the source says it is. rwsplit's own checks decide whether it may serve (never the source alone). */
  readonly role: 'leader' | 'replica';
  /** False when the source says it must get no reads (Patroni: not running, or tagged noloadbalance). */
  readonly readable: boolean;
}

/** The nodes at one moment. */
export interface Topology {
  /** The leader's URL: where writes go. Null while the source knows none (a failover in progress). */
  readonly leaderUrl: string | null;
  readonly members: readonly TopologyMember[];
}

/** A pluggable source of the topology, read at start, on an interval, and at once after a write error. */
export interface TopologySource {
  /** A short description for messages, e.g. `patroni (3 REST URLs)`. */
  readonly description: string;
  /** How often the router reads it, in ms (0: never again after the start, e.g. a fixed list). */
  readonly refreshIntervalMs: number;
  /** Reads the topology now; rejects when the source cannot be reached. */
  read(): Promise<Topology>;
}

/**
 * The fixed source: the primary and replicas as configured (`primaryUrl` / `replicaUrls`). Also the way to use a
 * service that moves by itself behind one name, such as CloudNativePG's `-rw` and `-ro` services.
 */
export function fixedTopology(primaryUrl: string, replicaUrls: readonly string[]): TopologySource {
  const member = (url: string, role: 'leader' | 'replica'): TopologyMember => {
    const u = new URL(url);
    return { url, name: `${u.hostname}:${u.port || 5432}`, role, readable: role === 'replica' };
  };
  const topology: Topology = {
    leaderUrl: primaryUrl,
    members: [member(primaryUrl, 'leader'), ...replicaUrls.map((url) => member(url, 'replica'))],
  };
  return { description: 'fixed list', refreshIntervalMs: 0, read: async () => topology };
}
