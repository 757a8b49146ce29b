// Writes on the primary: each one marks the session scope (for read-your-writes), and on a connection or read-only
// error triggers failover discovery. A write that provably did not run (connection refused or not opened in time,
// or refused as read-only) waits for a primary within failoverWaitMs and runs there once; one that was sent when
// its connection broke has an unknown outcome and is never retried.
import { currentSession } from '../consistency/session';
import {
  NoPrimaryError,
  PrimaryUnreachableError,
  RwsplitError,
  SplitBrainError,
  TransactionNotRunError,
  WriteOutcomeUnknownError,
  WriteQueueFullError,
} from '../errors';
import type { EventListener } from '../events';
import type { PrimaryDiscovery } from '../primary/primary-discovery';
import type { PrimaryTarget } from '../primary/primary-target';
import type { WriteClock } from '../primary/write-clock';
import { isConnectionError, isReadOnlyTransaction, neverSent } from '../postgres/connection-errors';
import { untilPrimary } from '../primary/until-primary';

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

/** How long writes wait for a primary, and how many may wait at once. */
export interface WriteHolding {
  readonly failoverWaitMs: number;
  readonly maxHeldWrites: number;
  readonly onEvent: EventListener;
}

/** A write or BEGIN that failed before it ran: refused by the node, no connection in time, or the node read-only. */
const refusedBeforeRunning = (err: unknown): boolean => neverSent(err) || isReadOnlyTransaction(err);

export class WriteTracker {
  readonly #target: PrimaryTarget;
  readonly #discovery: PrimaryDiscovery;
  readonly #clock: WriteClock;
  readonly #holding: WriteHolding;
  /** Writes waiting for a primary now. */
  #held = 0;

  constructor(target: PrimaryTarget, discovery: PrimaryDiscovery, clock: WriteClock, holding: WriteHolding) {
    this.#target = target;
    this.#discovery = discovery;
    this.#clock = clock;
    this.#holding = holding;
  }

  /** Writes waiting for a primary now (a gauge for metrics and tests). */
  get held(): number {
    return this.#held;
  }

  /**
   * Runs one statement on the primary (a model write, raw SQL, or any statement inside a transaction). A statement
   * refused before it ran, outside a transaction, waits for a primary (see #hold) and runs there once; one whose
   * connection broke after it was sent fails with WriteOutcomeUnknownError.
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
      const before = this.#target.current.name;
      if (!refusedBeforeRunning(err)) throw await this.#outcomeUnknown(operation, inTransaction, before, err);
      if (inTransaction) {
        // Never retried inside a transaction: its earlier statements went with the failed connection (or the node
        // refused it). Writes are re-pointed, so the caller's next transaction reaches the new primary.
        await this.#discoverAfter(before, err);
        if (isReadOnlyTransaction(err)) throw err;
        throw new TransactionNotRunError(
          `A statement in a transaction on ${before} could not connect; the transaction did not commit. ` +
            `Writes now go to ${this.#target.current.name}: run the whole transaction again.`,
          { cause: err },
        );
      }
      return this.#hold(operation, before, err, async () => {
        try {
          return await attempt();
        } catch (retryError) {
          if (triggersDiscovery(retryError) && !refusedBeforeRunning(retryError)) {
            throw await this.#outcomeUnknown(operation, false, this.#target.current.name, retryError);
          }
          throw retryError;
        }
      });
    }
  }

  /**
   * Opens a transaction on the primary. Nothing of it has run yet, so when BEGIN fails for lack of a primary (a
   * connection refused or broken, a node gone read-only) it waits for a primary like a write (see #hold).
   */
  async begin<T>(start: () => Promise<T>): Promise<T> {
    if (this.#discovery.splitBrain) await this.#discovery.discover();
    try {
      return await start();
    } catch (err) {
      if (!triggersDiscovery(err)) throw err;
      return this.#hold('$transaction', this.#target.current.name, err, start);
    }
  }

  /**
   * A write (or BEGIN) failed on `before` before it ran: waits for failover discovery to find a primary, asking
   * every 100 ms for up to failoverWaitMs, and runs `again` there; refused once more before running, it waits on.
   * Past the wait: NoPrimaryError (none found) or PrimaryUnreachableError (found, but refusing). Split brain and
   * any other error end the wait at once. At most maxHeldWrites wait together (WriteQueueFullError past them).
   */
  async #hold<T>(operation: string, before: string, err: unknown, again: () => Promise<T>): Promise<T> {
    const { failoverWaitMs, maxHeldWrites, onEvent } = this.#holding;
    const started = performance.now();
    const report = (outcome: 'ran' | 'gave_up' | 'queue_full') =>
      onEvent({ event: 'write_held', operation, waitedMs: performance.now() - started, outcome });
    if (this.#held >= maxHeldWrites) {
      report('queue_full');
      throw new WriteQueueFullError(
        `The ${operation} was refused by ${before} before it ran, and ${this.#held} writes are already waiting for a ` +
          `primary (maxHeldWrites = ${maxHeldWrites}): it was not applied. Retry it later, or raise maxHeldWrites.`,
        { cause: err },
      );
    }
    this.#held++;
    /** The last try reached a node (whatever it answered), not only discovery. */
    let reached = false;
    try {
      const result = await untilPrimary(
        async () => {
          reached = false;
          await this.#discoverAfter(before, err);
          reached = true;
          return again();
        },
        Date.now() + failoverWaitMs,
        // A refusal of the driver's (not one of rwsplit's errors, which carry it as their cause): split brain and
        // an outcome-unknown write end the wait.
        (e) =>
          e instanceof NoPrimaryError ||
          (!(e instanceof RwsplitError) && triggersDiscovery(e) && refusedBeforeRunning(e)),
      );
      report('ran');
      return result;
    } catch (final) {
      const refused =
        reached && !(final instanceof RwsplitError) && triggersDiscovery(final) && refusedBeforeRunning(final);
      report(reached && !refused ? 'ran' : 'gave_up');
      if (final instanceof NoPrimaryError) {
        throw new NoPrimaryError(
          `The ${operation} was refused by ${before} before it ran and waited failoverWaitMs = ${failoverWaitMs} ms ` +
            `for a primary; none was found, so it was not applied. ${final.message}`,
          { cause: final },
        );
      }
      if (!refused) throw final;
      throw new PrimaryUnreachableError(
        `The ${operation} was refused by ${before} before it ran, and again by ${this.#target.current.name} ` +
          `for failoverWaitMs = ${failoverWaitMs} ms after failover discovery: it was not applied. Retry it once ` +
          'the primary accepts writes, or raise failoverWaitMs.',
        { cause: final },
      );
    } finally {
      this.#held--;
    }
  }

  /** The write may have run: discovery still runs (so the next write goes to the right place), then this error. */
  async #outcomeUnknown(
    operation: string,
    inTransaction: boolean,
    before: string,
    err: unknown,
  ): Promise<WriteOutcomeUnknownError> {
    const found = await this.#discoverQuietly(before, err);
    const what = inTransaction
      ? `inside a transaction after the ${operation} was sent: the transaction may or may not have committed.`
      : `after the ${operation} was sent: it may or may not have been applied.`;
    return new WriteOutcomeUnknownError(
      `The connection to ${before} broke ${what} ${found} Check whether the write is there before repeating it.`,
      { cause: err },
    );
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
