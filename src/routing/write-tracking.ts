// Writes on the primary: each one marks the session scope (for read-your-writes), is timed as an event, and on
// a connection or read-only error triggers failover discovery. A write is retried on the new primary only when
// it provably did not run (connection refused, or refused as read-only); otherwise its outcome is unknown.
import { isConnectionError, isConnectionRefused, isReadOnlyTransaction } from '../db/errors';
import { Prisma } from '../generated/prisma/client';
import type { EventListener } from './events';
import { inTransaction } from './prisma-adapter';
import type { PrimaryDiscovery } from './primary-discovery';
import type { PrimaryTarget } from './primary-target';
import { currentSession } from './session';

/** Model operations that only read (the read-replicas extension's own list). */
export const READ_OPERATIONS: ReadonlySet<string> = new Set([
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'findUnique',
  'findUniqueOrThrow',
  'groupBy',
  'aggregate',
  'count',
  'findRaw',
  'aggregateRaw',
]);

/** The write may or may not have been applied: the connection broke after the statement was sent. */
export class WriteOutcomeUnknownError extends Error {
  override readonly name = 'WriteOutcomeUnknownError';
}

export function writeTracking(target: PrimaryTarget, discovery: PrimaryDiscovery, onEvent: EventListener) {
  return Prisma.defineExtension({
    name: 'rwsplit-write-tracking',
    query: {
      async $allOperations(params) {
        const { operation, args, query } = params;
        const tx = inTransaction(params);
        if (READ_OPERATIONS.has(operation) && !tx) return query(args);
        if (discovery.splitBrain) await discovery.discover();
        const session = currentSession();
        const run = async () => {
          const start = performance.now();
          let ok = false;
          try {
            const result = await query(args);
            ok = true;
            return result;
          } finally {
            session?.markWrite();
            const node = target.current.name;
            onEvent({ event: 'query', node, role: 'primary', operation, durationMs: performance.now() - start, ok });
          }
        };
        try {
          return await run();
        } catch (err) {
          if (tx || !(isConnectionError(err) || isReadOnlyTransaction(err))) throw err;
          const notRun = isConnectionRefused(err) || isReadOnlyTransaction(err);
          const before = target.current.name;
          await discovery.discover().catch((discoveryError: unknown) => {
            throw new Error(
              `Write failed on ${before} and no primary could be found: ${(discoveryError as Error).message}`,
              {
                cause: discoveryError,
              },
            );
          });
          if (!notRun) {
            throw new WriteOutcomeUnknownError(
              `The connection to ${before} broke after the ${operation} was sent: it may or may not have been applied. ` +
                `Writes now go to ${target.current.name}. Check whether the write is there before repeating it.`,
              { cause: err },
            );
          }
          return run();
        }
      },
    },
  });
}
