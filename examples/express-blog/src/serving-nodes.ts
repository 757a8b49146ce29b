// Which nodes served the current request's queries, for the x-rwsplit-nodes response header (a debugging aid:
// it shows read-your-writes at work). rwsplit reports every routed query as a `query` event; the event is emitted
// in the async context of the code that ran the query, so an AsyncLocalStorage per request can collect them.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventListener } from 'rwsplit';

const storage = new AsyncLocalStorage<Set<string>>();

/** rwsplit's `onEvent` listener: adds `host:port role` of each query's node to the current request's set. */
export const recordServingNode: EventListener = (event) => {
  if (event.event === 'query') storage.getStore()?.add(`${event.node} ${event.role}`);
};

/** Runs `fn` with a fresh, empty set of serving nodes. */
export function collectServingNodes<T>(fn: () => T): T {
  return storage.run(new Set(), fn);
}

/** The nodes that served the current request so far, in first-use order, e.g. `127.0.0.1:15433 replica`. */
export function servingNodes(): string[] {
  return [...(storage.getStore() ?? [])];
}
