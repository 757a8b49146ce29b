// A commander parser for comma-separated whole numbers, e.g. `--scale-rows 10000,100000,1000000`.
import { InvalidArgumentError } from 'commander';
import { intOption } from './int-option';

/**
 * Returns a parser for a non-empty comma-separated list of whole numbers ≥ min (underscores allowed: 1_000_000).
 * @example program.option('--rates <list>', 'writes per second', listOption(1), [100, 1000])
 */
export function listOption(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number[] {
  const one = intOption(min, max);
  return (value: string) => {
    const parts = value.split(',').map((p) => p.trim());
    if (parts.length === 0 || parts.some((p) => p === '')) {
      throw new InvalidArgumentError(`expected comma-separated whole numbers, got "${value}".`);
    }
    return parts.map(one);
  };
}
