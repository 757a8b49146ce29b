// Bench options without a value: a switch (`--keep`: false unless given; `--no-inject`: true unless given).
import { z } from 'zod';
import type { BenchOption } from './bench-option';

/**
 * A switch. `--no-<name>` flags are on by default and turned off by the flag; any other is off until given.
 * @example switchOption('--quiet', 'no progress bar or progress lines')
 */
export function switchOption(flags: string, description: string): BenchOption<boolean> {
  return { flags, description, defaultValue: /^--no-/.test(flags), schema: z.boolean(), fromText: null };
}
