// One way to declare a bench option: registered on a commander Command, read back typed, and checked in code.
import { InvalidArgumentError } from 'commander';
import { benchCommand } from '../../../src/bench/common/bench-command';
import { checkOptionValue, parseOptionText } from '../../../src/bench/common/bench-option';
import { choiceListOption } from '../../../src/bench/common/choice-list-option';
import { switchOption } from '../../../src/bench/common/switch-option';
import { textOption } from '../../../src/bench/common/text-option';
import { wholeNumberListOption, wholeNumberOption } from '../../../src/bench/common/whole-number-option';

const options = {
  pairs: wholeNumberOption('--pairs <n>', 'pairs', { min: 1 }, 10),
  rates: wholeNumberListOption('--rates <list>', 'rates', { min: 1 }, [5, 10]),
  modes: choiceListOption('--modes <list>', 'modes', ['a', 'b'] as const, { defaultValue: ['a'], unique: true }),
  keep: switchOption('--keep', 'keep'),
  inject: switchOption('--no-inject', 'inject nothing'),
  out: textOption('--out <dir>', 'folder'),
};

test('defaults when no flag is given: switches off, --no- switches on, text undefined', () => {
  expect(benchCommand('t', 'test', options).parse([])).toEqual({
    pairs: 10,
    rates: [5, 10],
    modes: ['a'],
    keep: false,
    inject: true,
    out: undefined,
  });
});

test('flags are parsed into typed values', () => {
  const argv = ['--pairs', '1_000', '--rates', '1, 2', '--modes', 'b,a', '--keep', '--no-inject', '--out', 'x'];
  expect(benchCommand('t', 'test', options).parse(argv)).toEqual({
    pairs: 1000,
    rates: [1, 2],
    modes: ['b', 'a'],
    keep: true,
    inject: false,
    out: 'x',
  });
});

test('--help lists every flag with its default', () => {
  const help = benchCommand('t', 'test', options).command.helpInformation();
  expect(help).toContain('--pairs <n>');
  expect(help).toContain('(default: 10)');
  expect(help).toContain('--no-inject');
});

test('bad values are refused saying what was expected', () => {
  expect(() => parseOptionText(options.pairs, '0')).toThrow(InvalidArgumentError);
  expect(() => parseOptionText(options.pairs, 'ten')).toThrow('expected a whole number ≥ 1, got "ten".');
  expect(() => parseOptionText(options.modes, 'a,c')).toThrow('names from a, b, not "c"');
  expect(() => parseOptionText(options.modes, 'a,a')).toThrow('"a" twice');
  expect(() => parseOptionText(options.rates, '1,,2')).toThrow('comma-separated');
});

test('values given in code follow the same rule, named', () => {
  expect(checkOptionValue(options.pairs, 3, 'pairs')).toBe(3);
  expect(() => checkOptionValue(options.pairs, 0, 'pairs')).toThrow('pairs must be a whole number ≥ 1, got 0.');
});

test('an option declared under another name than its flag is refused', () => {
  expect(() =>
    benchCommand('t', 'test', { samples: wholeNumberOption('--sample-ms <n>', 's', { min: 1 }, 1) }),
  ).toThrow(/name it "sampleMs"/);
});
