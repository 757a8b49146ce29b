// Counts the reads the router served per node, from its `query` events: the report's "reads per node".
import type { EventListener } from '../routing/events';
import { READ_OPERATIONS } from '../routing/write-tracking';

export interface ReadCounter {
  /** Pass to the router as (part of) its onEvent. Cheap: one Map update per read. */
  readonly listener: EventListener;
  /** Reads per node name (`host:port`), successful or not, in first-seen order. */
  counts(): ReadonlyMap<string, number>;
  /** All reads counted. */
  total(): number;
}

/** A counter of `query` events for read operations (findMany, count …); writes are not counted. */
export function createReadCounter(): ReadCounter {
  const counts = new Map<string, number>();
  let total = 0;
  return {
    listener: (e) => {
      if (e.event !== 'query' || !READ_OPERATIONS.has(e.operation)) return;
      counts.set(e.node, (counts.get(e.node) ?? 0) + 1);
      total++;
    },
    counts: () => counts,
    total: () => total,
  };
}
