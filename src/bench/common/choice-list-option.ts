// Bench options whose value is a comma-separated list of names from a fixed set, e.g. `--modes eventual,primary`.
import { z } from 'zod';
import type { BenchOption } from './bench-option';

export interface ChoiceListRules<T extends string> {
  /** The list when the flag is absent; undefined: none (the bench picks, and the description says what). */
  readonly defaultValue?: readonly T[];
  /** Refuse a name given twice. Default false. */
  readonly unique?: boolean;
}

/** The non-empty lists of `choices` (each at most once when `unique`), in the order given. */
export function choiceListSchema<T extends string>(choices: readonly T[], unique = false): z.ZodType<T[]> {
  const isChoice = (item: string): item is T => (choices as readonly string[]).includes(item);
  return z
    .array(z.string(), { error: `comma-separated names (${choices.join(', ')})` })
    .superRefine((items, ctx) => {
      const bad = items.find((item) => !isChoice(item));
      if (bad !== undefined)
        ctx.addIssue({ code: 'custom', message: `names from ${choices.join(', ')}, not "${bad}"` });
      const twice = items.find((item, i) => items.indexOf(item) !== i);
      if (unique && twice !== undefined)
        ctx.addIssue({ code: 'custom', message: `each name once, not "${twice}" twice` });
      if (items.length === 0) ctx.addIssue({ code: 'custom', message: `at least one of ${choices.join(', ')}` });
    })
    .transform((items) => items.filter(isChoice));
}

/**
 * A comma-separated list of names from `choices`, in the order given.
 * @example choiceListOption('--via <list>', 'ways to reach the nodes', ['direct', 'pgbouncer'], { unique: true })
 */
export function choiceListOption<T extends string>(
  flags: string,
  description: string,
  choices: readonly T[],
  rules: ChoiceListRules<T> & { readonly defaultValue: readonly T[] },
): BenchOption<T[]>;
export function choiceListOption<T extends string>(
  flags: string,
  description: string,
  choices: readonly T[],
  rules?: ChoiceListRules<T>,
): BenchOption<T[] | undefined>;
export function choiceListOption<T extends string>(
  flags: string,
  description: string,
  choices: readonly T[],
  rules: ChoiceListRules<T> = {},
): BenchOption<T[] | undefined> {
  return {
    flags,
    description,
    defaultValue: rules.defaultValue ? [...rules.defaultValue] : undefined,
    schema: choiceListSchema(choices, rules.unique).optional(),
    fromText: (text) => text.split(',').map((item) => item.trim()),
  };
}
