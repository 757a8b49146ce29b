// Counts the reads the router served per node from its `query` events. One counter serves both the monitor
// ("reads routed to it in the last interval": take()) and the bench report ("reads per node": counts()). What counts
// as a read is the library's READ_OPERATIONS (the router's own list, packages/rwsplit/src/prisma/write-tracking.ts),
// so the two never drift.
import { type EventListener, READ_OPERATIONS } from 'rwsplit';

export interface ReadCounter {
  /** Pass to the router as (part of) its onEvent. Cheap: one Map update per read. */
  readonly listener: EventListener;
  /** Reads per node name (the event's `node`, i.e. `host:port`) since creation, in first-seen order. */
  counts(): ReadonlyMap<string, number>;
  /** All reads counted since creation. */
  total(): number;
  /** The reads counted per node since the previous `take()` (or creation), and starts a new interval. */
  take(): Map<string, number>;
}

/** A counter of `query` events for read operations (findMany, count, findRaw …); failed reads count too. */
export function createReadCounter(): ReadCounter {
  const counts = new Map<string, number>();
  let interval = new Map<string, number>();
  let total = 0;
  return {
    listener: (e) => {
      if (e.event !== 'query' || !READ_OPERATIONS.has(e.operation)) return;
      counts.set(e.node, (counts.get(e.node) ?? 0) + 1);
      interval.set(e.node, (interval.get(e.node) ?? 0) + 1);
      total++;
    },
    counts: () => counts,
    total: () => total,
    take() {
      const taken = interval;
      interval = new Map();
      return taken;
    },
  };
}
