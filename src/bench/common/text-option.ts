// Bench options whose value is any non-empty text, e.g. a path or a list another module parses.
import { z } from 'zod';
import type { BenchOption } from './bench-option';

/**
 * An option whose value is text; undefined when absent.
 * @example textOption('--pgbench <path>', 'the pgbench executable')
 */
export function textOption(flags: string, description: string): BenchOption<string | undefined> {
  return { flags, description, defaultValue: undefined, schema: z.string().min(1).optional(), fromText: (t) => t };
}
