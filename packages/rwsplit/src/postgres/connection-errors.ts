// Error predicates that follow `err.cause`, so a wrapped error is classified like the original.
// Only connection errors trigger a retry or a fallback; query errors surface unchanged.

import { DeadlineExceededError } from './statement-deadline';

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  // PostgreSQL SQLSTATEs: connection exceptions and the server shutting down or not yet accepting.
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01', // admin_shutdown (pg_terminate_backend, fast shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, or in recovery without hot standby)
  // Prisma's driver-adapter codes for an unreachable database.
  'P1001',
  'P1002',
  'P1017',
]);

/**
 * PgBouncer's refusals of a query it never sent to a server: its node is down (the query waited in its queue, or
 * logins to the server keep failing), or it has no room for another client.
 */
const PGBOUNCER_NOT_SENT_MESSAGES = [
  /query_wait_timeout/i,
  /server login has been failing/i,
  /pgbouncer cannot connect to server/i,
  /no more connections allowed/i,
];

const CONNECTION_MESSAGES = [
  /connection terminated/i,
  /timeout expired/i,
  /connection timeout/i,
  /timeout exceeded when trying to connect/i,
  /terminating connection/i,
  /server closed the connection/i,
  /can't reach database server/i,
  /connect ECONNREFUSED/i,
  /Connection terminated unexpectedly/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  ...PGBOUNCER_NOT_SENT_MESSAGES,
  /server conn crashed/i,
];

/** Walks an error and its causes (at most 10 deep). */
export function* causeChain(err: unknown): Generator<unknown> {
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    yield current;
    if (current instanceof AggregateError) for (const inner of current.errors) yield* causeChain(inner);
    if (typeof current !== 'object') break;
    // Prisma keeps the driver adapter's error under meta.driverAdapterError rather than cause.
    const meta = (current as { meta?: { driverAdapterError?: unknown } }).meta;
    if (meta?.driverAdapterError) yield* causeChain(meta.driverAdapterError);
    current = (current as { cause?: unknown }).cause;
  }
}

function fields(err: unknown): {
  code?: unknown;
  message?: unknown;
  originalCode?: unknown;
  originalMessage?: unknown;
  kind?: unknown;
} {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>) : {};
}

/** True when the error (or a cause) says the server could not be reached or dropped the connection. */
export function isConnectionError(err: unknown): boolean {
  for (const e of causeChain(err)) {
    const { code, originalCode, kind } = fields(e);
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    if (typeof originalCode === 'string' && CONNECTION_CODES.has(originalCode)) return true;
    if (kind === 'DatabaseNotReachable' || kind === 'ConnectionClosed' || kind === 'SocketTimeout') return true;
    if (textsOf(e).some((text) => CONNECTION_MESSAGES.some((re) => re.test(text)))) return true;
  }
  return false;
}

/** An error's message, and the server's own when a driver adapter kept it apart (`originalMessage`). */
function textsOf(e: unknown): string[] {
  const { message, originalMessage } = fields(e);
  return [message, originalMessage].filter((t): t is string => typeof t === 'string');
}

/** True when the statement was refused because the server is read-only (a standby, or a demoted primary). */
export function isReadOnlyTransaction(err: unknown): boolean {
  for (const e of causeChain(err)) {
    const { code, message, originalCode } = fields(e);
    if (code === '25006' || originalCode === '25006') return true;
    if (typeof message === 'string' && /read-only transaction/i.test(message)) return true;
  }
  return false;
}

/** True when the connection was refused outright: nothing was sent, so a retry cannot run a statement twice. */
export function isConnectionRefused(err: unknown): boolean {
  for (const e of causeChain(err)) {
    const { code, message, kind } = fields(e);
    if (code === 'ECONNREFUSED' || code === '57P03') return true;
    // @prisma/adapter-pg's mapping of ECONNREFUSED and ENOTFOUND: no connection, so nothing was sent.
    if (kind === 'DatabaseNotReachable') return true;
    if (typeof message === 'string' && /ECONNREFUSED|can't reach database server/i.test(message)) return true;
  }
  return false;
}

/** pg and pg-pool when no connection could be opened in time: nothing was sent on it. */
const CONNECT_TIMEOUT_MESSAGES = [/timeout exceeded when trying to connect/i, /due to connection timeout/i];

/**
 * True when the statement never reached a server: the connection was refused, or could not be opened in time, or
 * PgBouncer refused it without sending it on. A write that failed so did not run, and may run elsewhere.
 */
export function neverSent(err: unknown): boolean {
  if (isConnectionRefused(err)) return true;
  const notSent = [...CONNECT_TIMEOUT_MESSAGES, ...PGBOUNCER_NOT_SENT_MESSAGES];
  for (const e of causeChain(err)) {
    if (textsOf(e).some((text) => notSent.some((re) => re.test(text)))) return true;
  }
  return false;
}

/**
 * True when a standby cancelled the statement (or ended its connection) in a recovery conflict: replaying the
 * primary's WAL needed what the statement held (SQLSTATE 40001, 40P01 or 57P04, "… due to conflict with recovery").
 * The standby is healthy; the statement may run elsewhere.
 */
export function isRecoveryConflict(err: unknown): boolean {
  for (const e of causeChain(err)) {
    if (textsOf(e).some((text) => /conflict with recovery/i.test(text))) return true;
  }
  return false;
}

/** pg's message when a query got no answer within `query_timeout` (the server hangs, e.g. SIGSTOPped or cut off). */
const QUERY_TIMEOUT_MESSAGE = /Query read timeout/;

/** True when pg itself gave up on a query at its `query_timeout` (not a server-side cancel). */
export function isQueryReadTimeout(err: unknown): boolean {
  return err instanceof Error && QUERY_TIMEOUT_MESSAGE.test(err.message);
}

/**
 * True when a query passed its deadline: no answer within pg's `query_timeout` (client side), or cancelled by the
 * server (SQLSTATE 57014: a cancel request, or a `statement_timeout` of the application's own), or rwsplit's read
 * deadline (DeadlineExceededError).
 */
export function isTimeout(err: unknown): boolean {
  for (const e of causeChain(err)) {
    if (e instanceof DeadlineExceededError) return true;
    const { code, message, originalCode } = fields(e);
    if (code === '57014' || originalCode === '57014') return true;
    if (typeof message === 'string' && (QUERY_TIMEOUT_MESSAGE.test(message) || /statement timeout/i.test(message))) {
      return true;
    }
  }
  return false;
}

/** The driver's own words for `err`: the innermost message in its cause chain (what the server or socket said). */
export function driverMessage(err: unknown): string {
  let found: string | undefined;
  for (const e of causeChain(err)) {
    const { message, originalMessage } = fields(e);
    const text = typeof originalMessage === 'string' ? originalMessage : message;
    if (typeof text === 'string' && text.trim() !== '') found = text;
    else if (typeof e === 'string' && e.trim() !== '') found = e;
  }
  return found ?? String(err);
}

/** True when `err` says the node cannot be reached or does not answer in time: a reason to take it out of rotation. */
export function isUnreachable(err: unknown): boolean {
  return isConnectionError(err) || isTimeout(err);
}

/**
 * True when the node answered but is no primary (any more): a statement refused as read-only (25006), or a
 * primary-only function refused because recovery is in progress (55000, e.g. pg_current_wal_insert_lsn() on a
 * primary demoted in place by a switchover). A reason to look for the primary again.
 */
export function isNotPrimary(err: unknown): boolean {
  if (isReadOnlyTransaction(err)) return true;
  for (const e of causeChain(err)) {
    const { code, message, originalCode } = fields(e);
    if ((code === '55000' || originalCode === '55000') && typeof message === 'string') {
      if (/recovery is in progress/i.test(message)) return true;
    }
    if (typeof message === 'string' && /recovery is in progress/i.test(message)) return true;
  }
  return false;
}
