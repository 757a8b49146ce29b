// Writes on the primary: each one marks the session scope (for read-your-writes), and on
// a connection or read-only error triggers failover discovery. A write is retried on the new primary only when
// it provably did not run (connection refused, or refused as read-only); otherwise its outcome is unknown.
import { currentSession } from '../consistency/session';
import {
  NoPrimaryError,
  PrimaryUnreachableError,
  SplitBrainError,
  TransactionNotRunError,
  WriteOutcomeUnknownError,
} from '../errors';
import type { PrimaryDiscovery } from '../primary/primary-discovery';
import type { PrimaryTarget } from '../primary/primary-target';
import type { WriteClock } from '../primary/write-clock';
import { isConnectionError, isConnectionRefused, isReadOnlyTransaction } from '../postgres/connection-errors';

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

/** Errors that make the router look for the primary: the connection failed, or the node has become read-only. */
export function triggersDiscovery(err: unknown): boolean {
  return isConnectionError(err) || isReadOnlyTransaction(err);
}

export class WriteTracker {
  readonly #target: PrimaryTarget;
  readonly #discovery: PrimaryDiscovery;
  readonly #clock: WriteClock;

  constructor(target: PrimaryTarget, discovery: PrimaryDiscovery, clock: WriteClock) {
    this.#target = target;
    this.#discovery = discovery;
    this.#clock = clock;
  }

  /**
   * Runs one statement on the primary (a model write, raw SQL, or any statement inside a transaction). Retries it
   * once on the new primary only when it provably did not run and is not inside a transaction.
   */
  async run<T>(operation: string, inTransaction: boolean, query: () => Promise<T>): Promise<T> {
    if (this.#discovery.splitBrain) await this.#discovery.discover();
    const session = currentSession();
    const attempt = async () => {
      try {
        return await query();
      } finally {
        // Ticked once the statement has returned (or failed): a position fetched from now on covers it.
        session?.markWrite(this.#clock.tick());
      }
    };
    try {
      return await attempt();
    } catch (err) {
      if (!triggersDiscovery(err)) throw err;
      const notRun = isConnectionRefused(err) || isReadOnlyTransaction(err);
      const before = this.#target.current.name;
      if (!notRun) {
        // The statement may have run: whatever discovery finds, the caller must learn that first. Discovery still
        // runs, so the next write goes to the right place.
        const found = await this.#discoverQuietly(before, err);
        const what = inTransaction
          ? `inside a transaction after the ${operation} was sent: the transaction may or may not have committed.`
          : `after the ${operation} was sent: it may or may not have been applied.`;
        throw new WriteOutcomeUnknownError(
          `The connection to ${before} broke ${what} ${found} Check whether the write is there before repeating it.`,
          { cause: err },
        );
      }
      await this.#discoverAfter(before, err);
      const now = this.#target.current.name;
      if (inTransaction) {
        // Never retried inside a transaction: its earlier statements went with the failed connection (or the node
        // refused it). Writes are re-pointed, so the caller's next transaction reaches the new primary.
        if (isReadOnlyTransaction(err)) throw err;
        throw new TransactionNotRunError(
          `A statement in a transaction on ${before} could not connect; the transaction did not commit. ` +
            `Writes now go to ${now}: run the whole transaction again.`,
          { cause: err },
        );
      }
      try {
        return await attempt();
      } catch (retryError) {
        if (!triggersDiscovery(retryError)) throw retryError;
        throw new PrimaryUnreachableError(
          `The ${operation} was refused by ${before} before it ran, and again by ${now} after failover discovery: ` +
            'it was not applied. Retry it once the primary accepts writes.',
          { cause: retryError },
        );
      }
    }
  }

  /**
   * Opens a transaction on the primary. Nothing of it has run yet, so when BEGIN fails for lack of a primary (a
   * connection refused or broken, a node gone read-only) discovery runs and BEGIN is tried once more on the primary
   * found; a second failure is a PrimaryUnreachableError.
   */
  async begin<T>(start: () => Promise<T>): Promise<T> {
    if (this.#discovery.splitBrain) await this.#discovery.discover();
    try {
      return await start();
    } catch (err) {
      if (!triggersDiscovery(err)) throw err;
      const before = this.#target.current.name;
      await this.#discoverAfter(before, err);
      try {
        return await start();
      } catch (retryError) {
        if (!triggersDiscovery(retryError)) throw retryError;
        throw new PrimaryUnreachableError(
          `A transaction could not start on ${before}, nor on ${this.#target.current.name} after failover ` +
            'discovery: none of its statements ran. Run it again once the primary accepts connections.',
          { cause: retryError },
        );
      }
    }
  }

  /** Runs discovery without letting its failure hide the write's own error; says where writes go now. */
  async #discoverQuietly(before: string, err: unknown): Promise<string> {
    try {
      await this.#discoverAfter(before, err);
      return `Writes now go to ${this.#target.current.name}.`;
    } catch (discoveryError) {
      return `No primary could be found yet (${discoveryError instanceof Error ? discoveryError.message : String(discoveryError)}).`;
    }
  }

  /**
   * Runs failover discovery after `err` hit a write on `before`. When no single primary can be found, the
   * discovery's own typed error (SplitBrainError, NoPrimaryError) is raised, with the write's error as its cause
   * and both messages in its text.
   */
  async #discoverAfter(before: string, err: unknown): Promise<void> {
    try {
      await this.#discovery.discover();
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
}
