// A causal token: a scope's last write position as an opaque string the caller can carry to the next request
// (cookie, header). GitLab keeps this in Redis per user; rwsplit hands it to the caller.
import { CausalTokenError } from '../errors';
import { formatLsn, parseLsn, type LsnText } from '../postgres/lsn';

const PREFIX = 'rw1.';

/** Encodes an LSN as an opaque, URL- and cookie-safe token. */
export function encodeCausalToken(lsn: LsnText): string {
  return PREFIX + Buffer.from(formatLsn(parseLsn(lsn)), 'utf8').toString('base64url');
}

/** Decodes a token made by `encodeCausalToken`; anything else is refused with a clear error. */
export function decodeCausalToken(token: string): LsnText {
  if (typeof token !== 'string' || !token.startsWith(PREFIX)) {
    throw new CausalTokenError(
      `Not an rwsplit causal token: "${String(token).slice(0, 40)}". Pass the value session.token() returned.`,
    );
  }
  const text = Buffer.from(token.slice(PREFIX.length), 'base64url').toString('utf8');
  try {
    return formatLsn(parseLsn(text));
  } catch (cause) {
    throw new CausalTokenError(
      `Corrupt rwsplit causal token: "${token.slice(0, 40)}". Pass the value session.token() returned.`,
      {
        cause,
      },
    );
  }
}
