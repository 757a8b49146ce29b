// Causal tokens without a cluster: signed and unsigned round trips, rotation, and every way a token is refused,
// each with its reason.
import { CausalTokenError, CausalTokens } from '../../src';

const SECRET = 'a-secret-of-32-characters-000001';
const OLD_SECRET = 'an-older-secret-of-32-characters';
const claim = { lsn: '16/B374D848', timeline: 3 };

/** The reason a token is refused, or null when it is read. */
function refusal(tokens: CausalTokens, token: unknown): string | null {
  try {
    tokens.decode(token);
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(CausalTokenError);
    expect((err as Error).message.length).toBeLessThan(300);
    return (err as CausalTokenError).reason;
  }
}

test('signed and unsigned tokens round-trip with their timeline', () => {
  const signed = new CausalTokens([SECRET]);
  expect(signed.decode(signed.encode(claim))).toEqual(claim);
  const unsigned = new CausalTokens();
  expect(unsigned.decode(unsigned.encode(claim))).toEqual(claim);
  expect(unsigned.decode(unsigned.encode({ lsn: '0/1', timeline: null }))).toEqual({ lsn: '0/1', timeline: null });
  expect(signed.encode(claim)).toMatch(/^rw2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
});

test('rotation: the first secret signs, any listed secret verifies, a dropped one no longer does', () => {
  const before = new CausalTokens([OLD_SECRET]).encode(claim);
  const rotating = new CausalTokens([SECRET, OLD_SECRET]);
  expect(rotating.decode(before)).toEqual(claim);
  expect(new CausalTokens([SECRET]).decode(rotating.encode(claim))).toEqual(claim);
  expect(refusal(new CausalTokens([SECRET]), before)).toBe('bad_signature');
});

test('with a secret, unsigned, altered, truncated and foreign tokens are refused, each saying why', () => {
  const tokens = new CausalTokens([SECRET]);
  const good = tokens.encode(claim);
  const [prefix, payload, signature] = good.split('.') as [string, string, string];
  const forged = Buffer.from('3:FFFFFFF/0').toString('base64url');
  expect(refusal(tokens, `${prefix}.${forged}.${signature}`)).toBe('bad_signature');
  expect(refusal(tokens, `${prefix}.${payload}.${signature.slice(0, -2)}`)).toBe('bad_signature');
  expect(refusal(tokens, `${prefix}.${payload}`)).toBe('unsigned');
  expect(refusal(tokens, new CausalTokens().encode(claim))).toBe('unsigned');
  expect(refusal(tokens, `rw1.${Buffer.from('16/B374D848').toString('base64url')}`)).toBe('unsigned');
  expect(refusal(tokens, new CausalTokens(['another-secret-of-32-characters!']).encode(claim))).toBe('bad_signature');
  expect(refusal(tokens, good)).toBeNull();
});

test('malformed tokens are refused with or without a secret', () => {
  for (const tokens of [new CausalTokens(), new CausalTokens([SECRET])]) {
    for (const bad of [
      '',
      'garbage',
      'rw2.',
      'rw2.a.b.c',
      `rw2.${'x'.repeat(300)}`,
      42,
      null,
      "'); DROP TABLE x; --",
    ]) {
      expect([bad, refusal(tokens, bad)]).toEqual([bad, expect.stringMatching(/^(malformed|unsigned|bad_signature)$/)]);
    }
  }
  const unsigned = new CausalTokens();
  const payload = (text: string) => `rw2.${Buffer.from(text).toString('base64url')}`;
  expect(refusal(unsigned, payload('0:1/2'))).toBe('malformed');
  expect(refusal(unsigned, payload('1:not-an-lsn'))).toBe('malformed');
  expect(refusal(unsigned, payload('99999999999:1/2'))).toBe('malformed');
  expect(refusal(unsigned, payload(':1/2'))).toBeNull();
});
