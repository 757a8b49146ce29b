// A causal token: what a scope must see (the primary's WAL position after its writes, and the timeline it was on),
// as an opaque string the caller carries to the next request (cookie, header). A client may send anything, so:
// - with `tokenSecret`, tokens are signed (HMAC-SHA256) and a token without a valid signature is refused; several
//   secrets may be given for rotation (the first signs, any verifies);
// - signed or not, a token claiming more than the primary has is refused when a session opens with it (see
//   TokenBound), so it cannot hold reads for a position that never comes.
// Format: `rw2.<base64url("<timeline>:<lsn>")>[.<base64url(hmac)>]`. `rw1.` tokens (a position alone, unsigned)
// are still read when no secret is set.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CausalTokenError, type CausalTokenRefusal } from '../errors';
import { formatLsn, type LsnText, parseLsn } from '../postgres/lsn';

/** What a token claims a reader must see. */
export interface TokenClaim {
  readonly lsn: LsnText;
  /** The primary's timeline when the position was taken (null: an `rw1.` token, which has none). */
  readonly timeline: number | null;
}

const V1 = 'rw1.';
const V2 = 'rw2.';
/** Longer than any token rwsplit makes (about 80 characters signed): anything longer is refused unread. */
const MAX_TOKEN_LENGTH = 200;

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const shown = (token: string) => JSON.stringify(token.slice(0, 40)) + (token.length > 40 ? '…' : '');

function refuse(reason: CausalTokenRefusal, message: string, cause?: unknown): never {
  throw new CausalTokenError(message, { reason, cause });
}

/** Makes and reads causal tokens, signed with the first of `secrets` and verified with any (none: unsigned). */
export class CausalTokens {
  readonly #secrets: readonly string[];

  constructor(secrets: readonly string[] = []) {
    this.#secrets = secrets;
  }

  /** Tokens are signed, and unsigned ones refused. */
  get signed(): boolean {
    return this.#secrets.length > 0;
  }

  encode(claim: TokenClaim): string {
    const body = V2 + b64(`${claim.timeline ?? ''}:${formatLsn(parseLsn(claim.lsn))}`);
    const secret = this.#secrets[0];
    return secret === undefined ? body : `${body}.${mac(secret, body)}`;
  }

  /** Reads a token; anything rwsplit did not make (with these secrets) is a CausalTokenError saying why. */
  decode(token: unknown): TokenClaim {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) {
      refuse('malformed', `Not an rwsplit causal token: ${shown(String(token))}. Pass the value rw.token() returned.`);
    }
    if (token.startsWith(V1)) return this.#decodeV1(token);
    if (!token.startsWith(V2)) {
      refuse('malformed', `Not an rwsplit causal token: ${shown(token)}. Pass the value rw.token() returned.`);
    }
    const [payload = '', signature, ...rest] = token.slice(V2.length).split('.');
    if (rest.length > 0) corrupt(token);
    if (this.signed) {
      if (signature === undefined || signature === '') {
        refuse('unsigned', `Unsigned causal token ${shown(token)}: this application signs its tokens (tokenSecret).`);
      }
      const body = V2 + payload;
      if (!this.#secrets.some((secret) => sameText(mac(secret, body), signature))) {
        refuse(
          'bad_signature',
          `Causal token ${shown(token)} is not signed with this application's tokenSecret: altered, forged, or ` +
            'made with a secret no longer in the list.',
        );
      }
    }
    return parseClaim(Buffer.from(payload, 'base64url').toString('utf8'), token);
  }

  #decodeV1(token: string): TokenClaim {
    if (this.signed) {
      refuse('unsigned', `Unsigned causal token ${shown(token)}: this application signs its tokens (tokenSecret).`);
    }
    const text = Buffer.from(token.slice(V1.length), 'base64url').toString('utf8');
    return { lsn: lsnIn(text, token), timeline: null };
  }
}

function parseClaim(text: string, token: string): TokenClaim {
  const match = /^(\d{0,10}):(.+)$/.exec(text);
  const timeline = match?.[1] ? Number(match[1]) : null;
  if (!match || (timeline !== null && (timeline < 1 || timeline > 0xffffffff))) corrupt(token);
  return { lsn: lsnIn(match[2]!, token), timeline };
}

/** The WAL position a token's text holds, or a refusal naming the token. */
function lsnIn(text: string, token: string): LsnText {
  try {
    return formatLsn(parseLsn(text));
  } catch (cause) {
    return corrupt(token, cause);
  }
}

function corrupt(token: string, cause?: unknown): never {
  return refuse(
    'malformed',
    `Corrupt rwsplit causal token: ${shown(token)}. Pass the value rw.token() returned.`,
    cause,
  );
}

function mac(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

/** Compares in constant time (a signature must not be guessable byte by byte from response times). */
function sameText(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

const unsigned = new CausalTokens();

/** An unsigned token for `lsn` (no timeline), as `rw.token()` makes without tokenSecret. */
export function encodeCausalToken(lsn: LsnText): string {
  return unsigned.encode({ lsn, timeline: null });
}

/** The position an unsigned token claims; a signed one is read without checking its signature. */
export function decodeCausalToken(token: string): LsnText {
  return unsigned.decode(token).lsn;
}
