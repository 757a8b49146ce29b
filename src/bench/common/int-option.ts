// A commander argument parser for whole-number options, for the scripts outside the benches (demo, check,
// consistency); the benches declare theirs with wholeNumberOption.
import { parseOptionText } from './bench-option';
import { wholeNumberOption } from './whole-number-option';

/**
 * Returns a parser that accepts a whole number in [min, max] and says what it expected otherwise.
 * @example program.option('--iterations <n>', 'calls per path', intOption(1), 2000)
 */
export function intOption(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  const option = wholeNumberOption('--n <n>', '', { min, max }, min);
  return (value: string) => parseOptionText(option, value);
}
