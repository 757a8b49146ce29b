import { LsnFormatError, MAX_LSN, compareLsn, formatLsn, hasReached, lsnDiff, parseLsn } from '../../src';

describe('parseLsn', () => {
  test.each([
    ['0/0', 0n],
    ['0/1', 1n],
    ['1/0', 1n << 32n],
    ['16/B374D848', 0x16b374d848n],
    ['16/b374d848', 0x16b374d848n],
    ['0/FFFFFFFF', 0xffffffffn],
    ['FFFFFFFF/FFFFFFFF', MAX_LSN],
    [' 0/3000148 ', 0x3000148n],
  ])('%s → %s', (text, position) => {
    expect(parseLsn(text)).toBe(position);
  });

  test('positions beyond 2^53 stay exact', () => {
    expect(parseLsn('FFFFFFFF/FFFFFFFE') + 1n).toBe(parseLsn('FFFFFFFF/FFFFFFFF'));
    expect(MAX_LSN).toBe(18446744073709551615n);
  });

  test.each(['', '0', '/0', '0/', '0/0/0', '1:2', 'G/0', '0/-1', '100000000/0', '0/100000000', 'x0/0', '0x1/0'])(
    'malformed %j is refused with a clear error',
    (text) => {
      expect(() => parseLsn(text)).toThrow(LsnFormatError);
      expect(() => parseLsn(text)).toThrow(/Not an LSN.*Expected two hex numbers of up to 8 digits/);
    },
  );

  test('a non-string (e.g. NULL from a primary) is refused, naming what it got', () => {
    expect(() => parseLsn(null as unknown as string)).toThrow(/got null/);
    expect(() => parseLsn(42 as unknown as string)).toThrow(/got number/);
  });
});

describe('formatLsn', () => {
  test.each(['0/0', '0/1', '1/0', '16/B374D848', 'FFFFFFFF/FFFFFFFF'])('round-trips %s', (text) => {
    expect(formatLsn(parseLsn(text))).toBe(text);
  });

  test('prints like PostgreSQL: upper case, no leading zeros', () => {
    expect(formatLsn(parseLsn('0000000A/000000ff'))).toBe('A/FF');
  });

  test('refuses positions outside a pg_lsn', () => {
    expect(() => formatLsn(-1n)).toThrow(/out of range/);
    expect(() => formatLsn(MAX_LSN + 1n)).toThrow(/out of range/);
  });
});

describe('compareLsn, lsnDiff, hasReached', () => {
  test('compare orders by the high half first, numerically not textually', () => {
    expect(compareLsn('1/0', '0/FFFFFFFF')).toBe(1);
    expect(compareLsn('0/A', '0/9')).toBe(1);
    expect(compareLsn('0/10', '0/9')).toBe(1); // textually '0/10' < '0/9'
    expect(compareLsn('0/9', '0/10')).toBe(-1);
    expect(compareLsn('16/B374D848', '16/b374d848')).toBe(0);
    expect(compareLsn(0n, '0/0')).toBe(0);
  });

  test('diff is in bytes and signed, like pg_wal_lsn_diff', () => {
    expect(lsnDiff('1/0', '0/FFFFFFFF')).toBe(1n);
    expect(lsnDiff('0/0', '0/10')).toBe(-16n);
    expect(lsnDiff('FFFFFFFF/FFFFFFFF', '0/0')).toBe(MAX_LSN);
  });

  test('hasReached is true at or past the wanted position', () => {
    expect(hasReached('0/3000148', '0/3000148')).toBe(true);
    expect(hasReached('0/3000149', '0/3000148')).toBe(true);
    expect(hasReached('0/3000147', '0/3000148')).toBe(false);
  });

  test('malformed input to compare or diff fails clearly', () => {
    expect(() => compareLsn('0/0', 'nope')).toThrow(/Not an LSN: "nope"/);
    expect(() => lsnDiff('nope', '0/0')).toThrow(LsnFormatError);
  });
});
