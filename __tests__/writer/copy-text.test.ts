import { UnwritableValueError, assertWritable, encodeCopyText } from '../../src/writer/copy-text';
import { parseReturnedId } from '../../src/writer/psql-fallback';

describe('encodeCopyText', () => {
  test.each([
    ['plain', 'plain'],
    ['a\\b', 'a\\\\b'],
    ['a\nb\r\nc\td', 'a\\nb\\r\\nc\\td'],
    ['\\.', '\\\\.'],
    ['\\N', '\\\\N'],
    ["O'Brien 😀", "O'Brien 😀"],
  ])('%j → %j', (input, encoded) => {
    expect(encodeCopyText(input)).toBe(encoded);
    expect(encodeCopyText(input)).not.toMatch(/[\n\r]/);
  });

  test.each([
    ['a NUL', 'a\u0000b', /NUL character \(\\u0000\) at index 1/],
    ['a lone high surrogate', 'x\ud83d', /lone UTF-16 surrogate at index 1/],
    ['a lone low surrogate', '\ude00y', /lone UTF-16 surrogate at index 0/],
  ])('%s is refused', (_name, value, message) => {
    expect(() => assertWritable(value)).toThrow(UnwritableValueError);
    expect(() => encodeCopyText(value)).toThrow(message);
  });

  test('a well-formed surrogate pair is fine', () => {
    expect(() => assertWritable('\ud83d\ude00')).not.toThrow();
  });
});

describe('parseReturnedId', () => {
  test('one integer line is an id', () => {
    expect(parseReturnedId('42\n')).toBe(42);
    expect(parseReturnedId('7')).toBe(7);
  });

  test.each(['', '\n', '42\n43\n', 'INSERT 0 1\n42\n', ' 42', '4.2\n', '99999999999999999999\n'])(
    '%j is refused',
    (out) => {
      expect(() => parseReturnedId(out)).toThrow(/did not print exactly one id/);
    },
  );
});
