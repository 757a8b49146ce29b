// Counts routed reads per node from 'query' events, for "reads routed to it in the last interval".
import type { EventListener } from '../routing/events';

/** Prisma model operations that only read. Everything else (create, update, $executeRaw …) counts as a write. */
export const READ_OPERATIONS: ReadonlySet<string> = new Set([
  'findMany',
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'count',
  'aggregate',
  'groupBy',
]);

export interface ReadCounter {
  /** Subscribe this to the router's events (e.g. with `fanOut`). */
  readonly listener: EventListener;
  /** The reads counted per node since the previous `take()`, and resets the counts. */
  take(): Map<string, number>;
}

/** A counter of read operations per node; failed reads count too (they were routed there). */
export function createReadCounter(): ReadCounter {
  let counts = new Map<string, number>();
  return {
    listener: (event) => {
      if (event.event !== 'query' || !READ_OPERATIONS.has(event.operation)) return;
      counts.set(event.node, (counts.get(event.node) ?? 0) + 1);
    },
    take() {
      const taken = counts;
      counts = new Map();
      return taken;
    },
  };
}
