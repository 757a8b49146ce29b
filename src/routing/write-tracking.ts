// Writes on the primary: each one marks the session scope (for read-your-writes), is timed as an event, and on
// a connection or read-only error triggers failover discovery. A write is retried on the new primary only when
// it provably did not run (connection refused, or refused as read-only); otherwise its outcome is unknown.
import { isConnectionError, isConnectionRefused, isReadOnlyTransaction } from '../db/errors';
import { Prisma } from '../generated/prisma/client';
import type { EventListener } from './events';
import { inTransaction, type TransactionErrorHandler } from './prisma-adapter';
import { NoPrimaryError, SplitBrainError, type PrimaryDiscovery } from './primary-discovery';
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

/** Errors that make the router look for the primary: the connection failed, or the node has become read-only. */
export function triggersDiscovery(err: unknown): boolean {
  return isConnectionError(err) || isReadOnlyTransaction(err);
}

/**
 * Runs failover discovery after `err` hit a write on `before`. When no single primary can be found, the
 * discovery's own typed error (SplitBrainError, NoPrimaryError) is raised, with the write's error as its cause
 * and both messages in its text.
 */
export async function discoverAfterWriteError(
  discovery: PrimaryDiscovery,
  before: string,
  err: unknown,
): Promise<void> {
  try {
    await discovery.discover();
  } catch (discoveryError) {
    if (discoveryError instanceof SplitBrainError) {
      throw new SplitBrainError(discoveryError.primaries, { cause: err, failedOn: before });
    }
    const message = discoveryError instanceof Error ? discoveryError.message : String(discoveryError);
    throw new NoPrimaryError(`Write failed on ${before} and no primary could be found: ${message}`, {
      cause: err,
    });
  }
}

/** Tells a caller that a transaction statement did not run and the transaction can be repeated as a whole. */
function notRunInTransaction(err: unknown, before: string, now: string): Error {
  const what = isReadOnlyTransaction(err) ? 'was refused as read-only' : 'could not connect';
  return new Error(
    `A statement in a transaction on ${before} ${what}; the transaction did not commit. Writes now go to ${now}: ` +
      'run the whole transaction again.',
    { cause: err },
  );
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
          if (!triggersDiscovery(err)) throw err;
          const notRun = isConnectionRefused(err) || isReadOnlyTransaction(err);
          const before = target.current.name;
          await discoverAfterWriteError(discovery, before, err);
          if (tx) {
            // Never retried inside a transaction: its earlier statements went with the failed connection (or
            // the node refused it). Writes are re-pointed, so the caller's next transaction reaches the new primary.
            if (isReadOnlyTransaction(err)) throw markHandled(err);
            if (notRun) throw markHandled(notRunInTransaction(err, before, target.current.name));
            throw markHandled(
              new WriteOutcomeUnknownError(
                `The connection to ${before} broke inside a transaction after the ${operation} was sent: the ` +
                  `transaction may or may not have committed. Writes now go to ${target.current.name}. Check ` +
                  'whether its writes are there before running it again.',
                { cause: err },
              ),
            );
          }
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

/** Errors already handled (discovery run, message written) inside a transaction, so `$transaction` passes them on. */
const handled = new WeakSet<object>();

function markHandled<E>(err: E): E {
  if (typeof err === 'object' && err !== null) handled.add(err);
  return err;
}

/** True when `err` was already handled by write tracking inside a transaction. */
export function isHandledWriteError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && handled.has(err);
}

/**
 * Failover for `$transaction` itself (its start and its commit, which query extensions never see). Discovery runs
 * for a connection or read-only error, so the next transaction reaches the new primary. An interactive
 * transaction is run again (once) only when its callback never ran (e.g. opening it was refused): none of its
 * statements was sent. A refusal (connection refused, read-only) is surfaced as is; a connection lost once
 * statements may have run is `WriteOutcomeUnknownError`. Errors already handled by a statement inside the transaction pass through.
 */
export function transactionFailover(target: PrimaryTarget, discovery: PrimaryDiscovery): TransactionErrorHandler {
  return async (err, attempt) => {
    if (isHandledWriteError(err) || !triggersDiscovery(err)) throw err;
    const before = target.current.name;
    await discoverAfterWriteError(discovery, before, err);
    // The callback never ran: none of the caller's statements was sent, so running it again is safe (once).
    if (attempt.interactive && !attempt.entered) {
      if (!attempt.retried) return 'retry';
      throw err;
    }
    // Refused or read-only: nothing was committed, and the error says so itself.
    if (isReadOnlyTransaction(err) || isConnectionRefused(err)) throw err;
    throw new WriteOutcomeUnknownError(
      `The connection to ${before} broke during a transaction: it may or may not have committed. Writes now go to ` +
        `${target.current.name}. Check whether its writes are there before running it again.`,
      { cause: err },
    );
  };
}
