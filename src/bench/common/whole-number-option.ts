// Bench options whose value is a whole number, or a comma-separated list of them (underscores allowed: 1_000_000).
import { z } from 'zod';
import type { BenchOption } from './bench-option';

/** The whole numbers in [min, max], said as the error messages say it. */
export function wholeNumberSchema(min: number, max = Number.MAX_SAFE_INTEGER): z.ZodType<number> {
  const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
  const message = `a whole number ${range}`;
  return z.number({ error: message }).refine((n) => Number.isSafeInteger(n) && n >= min && n <= max, { message });
}

/** `1_000` → 1000; anything but digits (and underscores after the first) → NaN. */
export function wholeNumberText(text: string): number {
  return /^\s*\d[\d_]*\s*$/.test(text) ? Number(text.replace(/_/g, '')) : Number.NaN;
}

/** `10, 100_000` → [10, 100000]; null when an item is empty (`10,,20`). */
function wholeNumberListText(text: string): number[] | null {
  const items = text.split(',').map((item) => item.trim());
  return items.some((item) => item === '') ? null : items.map(wholeNumberText);
}

export interface Range {
  readonly min: number;
  readonly max?: number;
}

/**
 * A whole-number option in [min, max].
 * @example wholeNumberOption('--pairs <n>', 'pairs per mode', { min: 1 }, 10_000)
 */
export function wholeNumberOption(
  flags: string,
  description: string,
  range: Range,
  defaultValue: number,
): BenchOption<number> {
  return {
    flags,
    description,
    defaultValue,
    schema: wholeNumberSchema(range.min, range.max),
    fromText: wholeNumberText,
  };
}

/** A whole-number option without a default: undefined when the flag is absent. */
export function optionalWholeNumberOption(
  flags: string,
  description: string,
  range: Range,
): BenchOption<number | undefined> {
  const schema = wholeNumberSchema(range.min, range.max).optional();
  return { flags, description, defaultValue: undefined, schema, fromText: wholeNumberText };
}

/**
 * A non-empty comma-separated list of whole numbers in [min, max], in the order given.
 * @example wholeNumberListOption('--rates <list>', 'offered rates', { min: 1 }, [500, 1000])
 */
export function wholeNumberListOption(
  flags: string,
  description: string,
  range: Range,
  defaultValue: readonly number[],
): BenchOption<number[]> {
  const list = z.array(wholeNumberSchema(range.min, range.max), { error: 'comma-separated whole numbers' });
  return { flags, description, defaultValue: [...defaultValue], schema: list.min(1), fromText: wholeNumberListText };
}
