// One option of a bench, declared once: its flag, its description, its default and the rule its value follows
// (a zod schema). benchCommand registers it on the bench's command; the same rule checks values given in code.
import { InvalidArgumentError } from 'commander';
import type { z } from 'zod';

export interface BenchOption<T> {
  /** Commander's flags, e.g. `--pairs <n>`; a switch has no argument (`--keep`, `--no-inject`). */
  readonly flags: string;
  /** One line for --help. */
  readonly description: string;
  /** The value when the flag is absent (shown by --help unless undefined or a switch's). */
  readonly defaultValue: T;
  /** What a value must be; its messages are noun phrases, e.g. `a whole number ≥ 1`. */
  readonly schema: z.ZodType<T>;
  /** The flag's text as the value the schema checks, e.g. `1_000` → 1000. Null for a switch (no argument). */
  readonly fromText: ((text: string) => unknown) | null;
}

function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'a valid value';
}

/**
 * The flag's text as the option's value; throws commander's InvalidArgumentError saying what was expected.
 * @example parseOptionText(pairs, '0') // throws: expected a whole number ≥ 1, got "0".
 */
export function parseOptionText<T>(option: BenchOption<T>, text: string): T {
  const parsed = option.schema.safeParse(option.fromText ? option.fromText(text) : text);
  if (!parsed.success) throw new InvalidArgumentError(`expected ${firstIssue(parsed.error)}, got "${text}".`);
  return parsed.data;
}

/**
 * A value given in code, checked by the same rule as the flag; throws a RangeError naming it.
 * @example checkOptionValue(pairs, 0, 'pairs') // throws: pairs must be a whole number ≥ 1, got 0.
 */
export function checkOptionValue<T>(option: Pick<BenchOption<T>, 'schema'>, value: unknown, name: string): T {
  const parsed = option.schema.safeParse(value);
  if (!parsed.success) throw new RangeError(`${name} must be ${firstIssue(parsed.error)}, got ${String(value)}.`);
  return parsed.data;
}
