// Keeps rwsplit's events (all but the per-query and per-check ones, which are too many to keep) with their time,
// so a test can ask what happened after a given moment and a bench run can report it.
import { performance } from 'node:perf_hooks';
import type { RwsplitEvent, RwsplitEventName } from 'rwsplit';

export interface LoggedEvent {
  /** performance.now() when it was emitted. */
  readonly at: number;
  readonly event: RwsplitEvent;
}

/** Events too frequent to keep: one per routed query and one per health check. */
const NOT_KEPT: ReadonlySet<RwsplitEventName> = new Set(['query', 'replica_checked']);

export class EventLog {
  readonly #events: LoggedEvent[] = [];
  /** Replica nodes that served a query, by node name (`host:port`), counted from every `query` event. */
  readonly #replicaQueries = new Map<string, number>();

  /** The listener to pass as createRwsplit's onEvent. */
  readonly listener = (event: RwsplitEvent): void => {
    if (event.event === 'query' && event.role === 'replica' && event.ok) {
      this.#replicaQueries.set(event.node, (this.#replicaQueries.get(event.node) ?? 0) + 1);
    }
    if (!NOT_KEPT.has(event.event)) this.#events.push({ at: performance.now(), event });
  };

  /** Kept events named `name` emitted at or after `since` (performance.now()). */
  named<N extends RwsplitEventName>(name: N, since = 0): Extract<RwsplitEvent, { event: N }>[] {
    return this.#events
      .filter((e) => e.at >= since && e.event.event === name)
      .map((e) => e.event as Extract<RwsplitEvent, { event: N }>);
  }

  /** Successful replica queries served by `node` so far. */
  replicaQueries(node: string): number {
    return this.#replicaQueries.get(node) ?? 0;
  }

  /** Every kept event since `since`, oldest first (for a run's log). */
  since(since = 0): readonly LoggedEvent[] {
    return this.#events.filter((e) => e.at >= since);
  }
}
