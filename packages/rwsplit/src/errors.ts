// Every error rwsplit throws: one base class with a stable `code`, and a subclass for each thing a caller may want
// to handle differently. Each keeps the error that caused it as `cause`, and its message says what to do next.

/** The stable codes of rwsplit's errors, one per subclass. Match on `err.code`, not on the message. */
export type RwsplitErrorCode =
  | 'RWSPLIT_CONFIG'
  | 'RWSPLIT_NO_REPLICA'
  | 'RWSPLIT_NO_PRIMARY'
  | 'RWSPLIT_SPLIT_BRAIN'
  | 'RWSPLIT_WRITE_OUTCOME_UNKNOWN'
  | 'RWSPLIT_TRANSACTION_NOT_RUN'
  | 'RWSPLIT_NO_SYNC_STANDBY'
  | 'RWSPLIT_CAUSAL_TOKEN'
  | 'RWSPLIT_LSN_FORMAT'
  | 'RWSPLIT_REPLICA_UNREACHABLE'
  | 'RWSPLIT_PRIMARY_UNREACHABLE'
  | 'RWSPLIT_USAGE'
  | 'RWSPLIT_TOPOLOGY_UNAVAILABLE'
  | 'RWSPLIT_READ_TIMEOUT'
  | 'RWSPLIT_WRITE_QUEUE_FULL'
  | 'RWSPLIT_NOT_READ_ONLY'
  | 'RWSPLIT_QUERY_TIMEOUT';

/** The base class of every error rwsplit throws. */
export abstract class RwsplitError extends Error {
  /** A stable string naming the kind of error, e.g. `RWSPLIT_NO_PRIMARY`. */
  abstract readonly code: RwsplitErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/** An option or URL that cannot be used; the message names the option and what it expects. */
export class ConfigError extends RwsplitError {
  readonly code = 'RWSPLIT_CONFIG';
}

/** No replica may serve a read and `fallbackToPrimary` is off. */
export class NoReplicaAvailableError extends RwsplitError {
  readonly code = 'RWSPLIT_NO_REPLICA';
}

/** No node answers as a primary (all down or all in recovery). Nothing was written. */
export class NoPrimaryError extends RwsplitError {
  readonly code = 'RWSPLIT_NO_PRIMARY';
}

/** Two or more nodes claim to be primary; writes are refused until only one does. Nothing was written. */
export class SplitBrainError extends RwsplitError {
  readonly code = 'RWSPLIT_SPLIT_BRAIN';
  /**
   * @param primaries the nodes that claim to be primary.
   * @param options `cause`: the write error that started the probe; `failedOn`: the node that write failed on.
   */
  constructor(
    readonly primaries: readonly string[],
    options: { cause?: unknown; failedOn?: string } = {},
  ) {
    super(
      `${options.failedOn ? `Write failed on ${options.failedOn}. ` : ''}` +
        `Split brain: ${primaries.join(' and ')} all claim to be primary (pg_is_in_recovery() = false). ` +
        'Writes are refused until only one does: demote or stop the stale primary.',
      options,
    );
  }
}

/** The write may or may not have been applied: the connection broke after the statement was sent. Never retried. */
export class WriteOutcomeUnknownError extends RwsplitError {
  readonly code = 'RWSPLIT_WRITE_OUTCOME_UNKNOWN';
}

/** A statement inside a transaction was refused before it ran; the transaction did not commit and may be re-run. */
export class TransactionNotRunError extends RwsplitError {
  readonly code = 'RWSPLIT_TRANSACTION_NOT_RUN';
}

/** `withRemoteApply` could not give its guarantee (no synchronous standby configured, or too few connected). */
export class NoSynchronousStandbyError extends RwsplitError {
  readonly code = 'RWSPLIT_NO_SYNC_STANDBY';
}

/** A causal token that rwsplit did not make, or that was damaged on the way. */
export type CausalTokenRefusal = 'malformed' | 'unsigned' | 'bad_signature' | 'ahead_of_primary' | 'future_timeline';

/** A causal token rwsplit refuses; `reason` says which check failed. */
export class CausalTokenError extends RwsplitError {
  readonly code = 'RWSPLIT_CAUSAL_TOKEN';
  /**
   * `malformed` (not a token, or damaged), `unsigned` / `bad_signature` (with tokenSecret), `ahead_of_primary` /
   * `future_timeline` (it claims more than the primary has).
   */
  readonly reason: CausalTokenRefusal;

  constructor(message: string, options: { cause?: unknown; reason?: CausalTokenRefusal } = {}) {
    super(message, options);
    this.reason = options.reason ?? 'malformed';
  }
}

/** Text that is not a pg_lsn; the message shows the input and the expected form. */
export class LsnFormatError extends RwsplitError {
  readonly code = 'RWSPLIT_LSN_FORMAT';
}

/** A replica did not answer a routing query (caught-up check) in time, or dropped the connection. */
export class ReplicaUnreachableError extends RwsplitError {
  readonly code = 'RWSPLIT_REPLICA_UNREACHABLE';
}

/** The primary did not answer a routing query (its WAL position) in time, or dropped the connection. */
export class PrimaryUnreachableError extends RwsplitError {
  readonly code = 'RWSPLIT_PRIMARY_UNREACHABLE';
}

/** An API used where it cannot work, e.g. `$replica()` inside a transaction, or a client used after `close()`. */
export class UsageError extends RwsplitError {
  readonly code = 'RWSPLIT_USAGE';
}

/** The topology source (e.g. every Patroni REST API) could not be read. At start this is fatal; later the last known topology stays. */
export class TopologyUnavailableError extends RwsplitError {
  readonly code = 'RWSPLIT_TOPOLOGY_UNAVAILABLE';
}

/**
 * A read ran past `replicaReadTimeoutMs` on a replica that then stopped it (a cancel request the server confirmed).
 * The replica is healthy, so it stays in rotation, and the read is not retried elsewhere. Nothing was written.
 */
export class ReadTimeoutError extends RwsplitError {
  readonly code = 'RWSPLIT_READ_TIMEOUT';
}

/**
 * A write refused for lack of a primary could not wait for one: `maxHeldWrites` writes were waiting already. It did
 * not run. Retry it later, or raise maxHeldWrites.
 */
export class WriteQueueFullError extends RwsplitError {
  readonly code = 'RWSPLIT_WRITE_QUEUE_FULL';
}

/**
 * `$replica()` was given raw SQL that is not read-only (it writes, takes row locks, or calls a function such as
 * nextval()); it was refused before it was sent. Run it on the primary: call it without `$replica()`.
 */
export class NotReadOnlyError extends RwsplitError {
  readonly code = 'RWSPLIT_NOT_READ_ONLY';
}

/**
 * A query on a short-lived connection (`queryOnce`, `withConnection`) got no answer within its `query_timeout`: the
 * server accepted the connection but does not answer. `server` is its `host:port` (never the password).
 */
export class QueryTimeoutError extends RwsplitError {
  readonly code = 'RWSPLIT_QUERY_TIMEOUT';
  readonly server: string;
  readonly timeoutMs: number;

  constructor(server: string, timeoutMs: number, options: { cause: unknown }) {
    super(
      `No answer from the PostgreSQL server at ${server} within ${timeoutMs} ms (query_timeout). It accepted the ` +
        'connection but does not answer: check that it is not stuck or paused (its log, pg_stat_activity), ' +
        'restart it if it is, or pass a longer timeout for a statement that is legitimately slow.',
      options,
    );
    this.server = server;
    this.timeoutMs = timeoutMs;
  }
}
