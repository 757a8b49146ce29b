// Keeps the router's nodes in step with the topology source: replicas that appear are health-checked and serve
// reads once eligible; replicas that leave stop getting reads and are closed once their reads finish; a new leader
// makes failover discovery find the primary (whose own answer decides, never the source's word alone). An
// unreachable source keeps the last known topology, and the health checks go on.
import type { EventListener } from '../events';
import type { HealthChecker, Scheduler } from '../load-balancing/health-checker';
import type { HostList } from '../load-balancing/host-list';
import type { ReplicaHost } from '../load-balancing/replica-host';
import { type NodeAddress, nodeAddress } from '../postgres/node-address';
import type { PrimaryTarget } from '../primary/primary-target';
import type { Topology, TopologySource } from './topology-source';

export interface TopologyManagerParts {
  readonly source: TopologySource;
  readonly target: PrimaryTarget;
  readonly hosts: HostList;
  readonly health: HealthChecker;
  /** Makes the ReplicaHost (with its client and pools) for a replica URL. */
  readonly makeHost: (url: string) => ReplicaHost;
  /** Finds the primary by asking every node (after the source named a new leader). */
  readonly discover: () => Promise<unknown>;
  readonly scheduler: Scheduler;
  readonly onEvent: EventListener;
}

export class TopologyManager {
  readonly #parts: TopologyManagerParts;
  #topology: Topology;
  #syncing: Promise<Topology> | null = null;
  #timer: unknown = null;
  #reachable = true;
  #closed = false;

  constructor(parts: TopologyManagerParts, first: Topology) {
    this.#parts = parts;
    this.#topology = first;
  }

  /** The topology as last read. */
  get topology(): Topology {
    return this.#topology;
  }

  /** Every node failover discovery must ask: each member, and the current write target. */
  nodes(): NodeAddress[] {
    const urls = new Set([this.#parts.target.current.url, ...this.#topology.members.map((m) => m.url)]);
    return [...urls].map(nodeAddress);
  }

  /** The replicas the first topology names (the caller adds their hosts before the first checks). */
  replicaUrls(topology: Topology = this.#topology): string[] {
    return topology.members.filter((m) => m.readable && m.url !== topology.leaderUrl).map((m) => m.url);
  }

  /** Re-reads the source on its interval; each read that names another leader than the target starts discovery. */
  start(): void {
    const every = this.#parts.source.refreshIntervalMs;
    if (every <= 0) return;
    const tick = () => {
      this.#timer = this.#parts.scheduler.setTimeout(() => {
        void this.sync()
          .then((t) => {
            if (t.leaderUrl !== null && t.leaderUrl !== this.#parts.target.current.url) return this.#parts.discover();
          })
          .catch(() => undefined)
          .finally(() => {
            if (!this.#closed) tick();
          });
      }, every);
      (this.#timer as { unref?: () => void }).unref?.();
    };
    tick();
  }

  /**
   * Reads the source now (concurrent callers share one read) and applies it. When it cannot be read, the last
   * known topology stays (and an event says so, once per outage); this never rejects.
   */
  sync(): Promise<Topology> {
    this.#syncing ??= this.#read().finally(() => {
      this.#syncing = null;
    });
    return this.#syncing;
  }

  /** Stops re-reading the source. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== null) this.#parts.scheduler.clearTimeout(this.#timer);
  }

  async #read(): Promise<Topology> {
    let next: Topology;
    try {
      next = await this.#parts.source.read();
    } catch (err) {
      if (this.#reachable) {
        this.#reachable = false;
        const error = err instanceof Error ? err.message : String(err);
        this.#parts.onEvent({ event: 'topology_unreachable', source: this.#parts.source.description, error });
      }
      return this.#topology;
    }
    if (!this.#reachable) {
      this.#reachable = true;
      this.#parts.onEvent({ event: 'topology_reachable', source: this.#parts.source.description });
    }
    if (!this.#closed) this.#apply(next);
    return next;
  }

  /** Adds the replicas that appeared, removes those that left. */
  #apply(next: Topology): void {
    const { hosts, health, makeHost, onEvent } = this.#parts;
    const wanted = new Set(this.replicaUrls(next));
    const have = new Map(hosts.hosts.map((h) => [h.url, h]));
    const added: string[] = [];
    const removed: string[] = [];
    for (const url of wanted) {
      if (have.has(url)) continue;
      const host = makeHost(url);
      hosts.add(host);
      void health.watch(host);
      added.push(host.name);
    }
    for (const [url, host] of have) {
      if (wanted.has(url)) continue;
      hosts.remove(host);
      health.unwatch(host);
      // Reads already on it finish first: ending a pool waits for the connections in use.
      void host.close();
      removed.push(host.name);
    }
    const leaderChanged = next.leaderUrl !== this.#topology.leaderUrl;
    this.#topology = next;
    if (added.length || removed.length || leaderChanged) {
      const leader = next.leaderUrl === null ? null : nodeAddress(next.leaderUrl).name;
      onEvent({ event: 'topology_changed', leader, added, removed });
    }
  }
}
