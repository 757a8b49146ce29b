// A commander argument parser for whole-number options, shared by the bench, demo and consistency scripts.
import { InvalidArgumentError } from 'commander';

/**
 * Returns a parser that accepts a whole number in [min, max] and says what it expected otherwise.
 * @example program.option('--iterations <n>', 'calls per path', intOption(1), 2000)
 */
export function intOption(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const n = Number(value.replace(/_/g, ''));
    if (!/^\s*\d[\d_]*\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${value}".`);
    }
    return n;
  };
}
