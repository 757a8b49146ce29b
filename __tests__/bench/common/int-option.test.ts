import { InvalidArgumentError } from 'commander';
import { intOption } from '../../../src/bench/common/int-option';

test.each([
  ['1', 1],
  ['2000', 2000],
  ['1_000_000', 1_000_000],
  [' 42 ', 42],
])('accepts %j', (text, n) => {
  expect(intOption(1)(text)).toBe(n);
});

test.each(['0', '-1', '1.5', 'abc', '', '1e3', '101', '_1'])('refuses %j with what it expected', (text) => {
  expect(() => intOption(1, 100)(text)).toThrow(InvalidArgumentError);
  expect(() => intOption(1, 100)(text)).toThrow(/expected a whole number from 1 to 100/);
});
