// WAL positions (pg_lsn) in Node: PostgreSQL prints them as 'X/Y' (two hex halves of a 64-bit byte position).
// Parsed to bigint so that comparing and subtracting stay exact past 2^53.
import { LsnFormatError } from '../errors';

/** A WAL position as PostgreSQL prints it, e.g. `'0/3000148'`. */
export type LsnText = string;

const LSN_PATTERN = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

/** The largest position a pg_lsn can hold ('FFFFFFFF/FFFFFFFF'). */
export const MAX_LSN = (1n << 64n) - 1n;

/**
 * Parses `'X/Y'` (each half 1–8 hex digits) into the byte position it names.
 * @example parseLsn('16/B374D848') === 0x16B374D848n
 */
export function parseLsn(text: LsnText): bigint {
  if (typeof text !== 'string') {
    throw new LsnFormatError(
      `Not an LSN: expected text like "0/3000148", got ${text === null ? 'null' : typeof text}.`,
    );
  }
  const match = LSN_PATTERN.exec(text.trim());
  if (!match) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    throw new LsnFormatError(`Not an LSN: "${shown}". Expected two hex numbers of up to 8 digits, like "16/B374D848".`);
  }
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

/** Formats a byte position the way PostgreSQL does: upper-case hex halves without leading zeros. */
export function formatLsn(position: bigint): LsnText {
  if (position < 0n || position > MAX_LSN) {
    throw new LsnFormatError(`LSN out of range: ${position} (a pg_lsn is 0 to 2^64-1).`);
  }
  const high = position >> 32n;
  const low = position & 0xffffffffn;
  return `${high.toString(16).toUpperCase()}/${low.toString(16).toUpperCase()}`;
}

const toPosition = (lsn: LsnText | bigint): bigint => (typeof lsn === 'bigint' ? lsn : parseLsn(lsn));

/** -1, 0 or 1 as `a` is before, at or after `b` in the WAL. */
export function compareLsn(a: LsnText | bigint, b: LsnText | bigint): -1 | 0 | 1 {
  const x = toPosition(a);
  const y = toPosition(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Bytes of WAL from `b` to `a` (negative when `a` is behind `b`), like pg_wal_lsn_diff(a, b). */
export function lsnDiff(a: LsnText | bigint, b: LsnText | bigint): bigint {
  return toPosition(a) - toPosition(b);
}

/** True when `reached` is at or past `wanted`: a standby at `reached` shows everything committed by `wanted`. */
export function hasReached(reached: LsnText | bigint, wanted: LsnText | bigint): boolean {
  return compareLsn(reached, wanted) >= 0;
}
