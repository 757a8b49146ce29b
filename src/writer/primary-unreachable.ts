// Which failures let the writer fall back: only those where no connection to the primary was ever made.
import { causeChain, isConnectionError } from 'rwsplit';

// Connect-time failures: refused, no route, or the name does not resolve. ETIMEDOUT counts only from connect():
// on an open connection (keepalive) it says nothing about whether the INSERT was applied.
const CONNECT_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// P1001 is Prisma's "Can't reach database server"; the pg pool reports a connect timeout by message only.
const CONNECT_MESSAGES = [/can't reach database server/i, /connection timeout/i];

/**
 * True when the primary could not be reached over TCP at all (connection refused or timed out while
 * connecting). Narrower than `isConnectionError` on purpose: a connection that dropped after the INSERT was sent
 * may have committed it, and writing again through psql would store the row twice.
 */
export function isPrimaryUnreachable(err: unknown): boolean {
  if (!isConnectionError(err)) return false;
  for (const e of causeChain(err)) {
    if (typeof e !== 'object' || e === null) continue;
    const { code, kind, message, syscall } = e as Record<string, unknown>;
    if (code === 'P1001' || kind === 'DatabaseNotReachable') return true;
    if (typeof code === 'string' && CONNECT_CODES.has(code)) return true;
    if (code === 'ETIMEDOUT' && syscall === 'connect') return true;
    if (typeof message === 'string' && CONNECT_MESSAGES.some((re) => re.test(message))) return true;
  }
  return false;
}
