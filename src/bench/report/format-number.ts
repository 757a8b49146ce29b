// How the report prints a figure: one function for the tables and the charts' value labels, so they agree.

/**
 * A figure as the report prints it: thousands separators from 1,000, fewer decimals as numbers grow, three
 * decimals below 1 (sub-millisecond latencies).
 * @example formatNumber(12345.6) === '12,346'; formatNumber(0.1234) === '0.123'
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = Number.isInteger(value) || abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A value for a `data-value` attribute: the exact number, so tests and scripts can read it back. */
export const dataValue = (value: number): string => String(value);
