// The value a fallback write carries, checked and encoded for PostgreSQL's COPY text format.
// The value travels as COPY data on psql's stdin: never inside SQL text, and free of argv's 128 KiB limit.

/** Raised for a value that cannot be stored byte for byte; nothing has been sent when it is thrown. */
export class UnwritableValueError extends Error {
  override readonly name = 'UnwritableValueError';
}

// A lone UTF-16 surrogate has no UTF-8 form: encoders would silently replace it with U+FFFD.
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Throws `UnwritableValueError` when `data` cannot be stored exactly in a PostgreSQL text column:
 * a NUL character (PostgreSQL text cannot hold it) or a lone surrogate (no UTF-8 form).
 */
export function assertWritable(data: string): void {
  const nul = data.indexOf('\u0000');
  if (nul !== -1) {
    throw new UnwritableValueError(
      `The value contains a NUL character (\\u0000) at index ${nul}; PostgreSQL text cannot store it. ` +
        'Remove it, or store the value in a bytea column instead. Nothing was written.',
    );
  }
  const surrogate = LONE_SURROGATE.exec(data);
  if (surrogate) {
    throw new UnwritableValueError(
      `The value contains a lone UTF-16 surrogate at index ${surrogate.index}, which has no UTF-8 form. ` +
        'Fix the string (String.prototype.toWellFormed) before writing it. Nothing was written.',
    );
  }
}

// COPY text format: backslash starts an escape, and newline, carriage return and tab delimit rows and columns.
const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * One column of one row in COPY text format. The result holds no newline, so it can never be read as the
 * end-of-data marker `\.`.
 * @example encodeCopyText('a\tb\\c') === 'a\\tb\\\\c'
 */
export function encodeCopyText(data: string): string {
  assertWritable(data);
  return data.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c] ?? c);
}
