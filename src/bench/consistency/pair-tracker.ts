// Exact attribution of each read to the node that served it, at any concurrency: every pair runs in its own
// AsyncLocalStorage context, and the router's `query` events (emitted synchronously inside the read's own async
// chain) land in the context of the pair that caused them. No ordering assumptions, no guessing by time.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventListener, NodeRole } from 'rwsplit';

/** One routed query the router reported while a pair was reading. */
export interface ServedRead {
  /** `host:port`. */
  readonly node: string;
  readonly role: NodeRole;
  readonly ok: boolean;
  /** How long the attempt took on that node, as the router timed it. */
  readonly durationMs: number;
}

export interface TrackedPair<T> {
  readonly result: T;
  /** Queries reported during `read()` calls, in order (more than one only after a connection-error retry). */
  readonly reads: readonly ServedRead[];
  /** Why reads of this pair fell back to the primary, if they did. */
  readonly fallbacks: readonly string[];
}

interface Probe {
  reading: boolean;
  reads: ServedRead[];
  fallbacks: string[];
}

/** Wraps the part of a pair whose queries count as "the read". */
export type ReadMarker = <R>(read: () => Promise<R>) => Promise<R>;

export class PairTracker {
  readonly #storage = new AsyncLocalStorage<Probe>();

  /** Pass this to the router's `onEvent` (alone or fanned out with others). */
  readonly listener: EventListener = (event) => {
    const probe = this.#storage.getStore();
    if (!probe?.reading) return;
    if (event.event === 'query') {
      probe.reads.push({ node: event.node, role: event.role, ok: event.ok, durationMs: event.durationMs });
    } else if (event.event === 'primary_fallback_read') probe.fallbacks.push(event.reason);
  };

  /** Runs one pair; queries inside `read(...)` are attributed to it. */
  async run<T>(fn: (read: ReadMarker) => Promise<T>): Promise<TrackedPair<T>> {
    const probe: Probe = { reading: false, reads: [], fallbacks: [] };
    const read: ReadMarker = async (op) => {
      probe.reading = true;
      try {
        return await op();
      } finally {
        probe.reading = false;
      }
    };
    const result = await this.#storage.run(probe, () => fn(read));
    return { result, reads: probe.reads, fallbacks: probe.fallbacks };
  }
}
