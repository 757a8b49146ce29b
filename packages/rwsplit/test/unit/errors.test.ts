// Every error the library throws is an RwsplitError with a stable code, its cause kept, its name its class.
import * as api from '../../src';
import { decodeCausalToken, encodeCausalToken, RwsplitError } from '../../src';

const subclasses = Object.entries(api).filter(
  ([, value]) => typeof value === 'function' && value.prototype instanceof RwsplitError,
) as [string, new (message: string, options?: { cause?: unknown }) => RwsplitError][];

/** The errors whose constructor takes more than a message (each has its own test below). */
const OWN_CONSTRUCTOR = new Set(['SplitBrainError', 'QueryTimeoutError']);

test('the public API exports one error class per code', () => {
  const codes = subclasses.filter(([name]) => !OWN_CONSTRUCTOR.has(name)).map(([name, E]) => [name, new E('m').code]);
  expect(codes.length).toBeGreaterThanOrEqual(11);
  expect(new Set(codes.map(([, code]) => code)).size).toBe(codes.length);
  for (const [, code] of codes) expect(code).toMatch(/^RWSPLIT_[A-Z_]+$/);
});

test.each(subclasses.filter(([name]) => !OWN_CONSTRUCTOR.has(name)))('%s keeps its cause and its name', (name, E) => {
  const cause = new Error('driver said no');
  const err = new E('what happened; what to do', { cause });
  expect(err).toBeInstanceOf(RwsplitError);
  expect(err).toBeInstanceOf(Error);
  expect(err.name).toBe(name);
  expect(err.cause).toBe(cause);
});

test('SplitBrainError names the primaries, the failed node, and keeps the cause', () => {
  const cause = new Error('read-only');
  const err = new api.SplitBrainError(['a:1', 'b:2'], { cause, failedOn: 'a:1' });
  expect(err.code).toBe('RWSPLIT_SPLIT_BRAIN');
  expect(err.primaries).toEqual(['a:1', 'b:2']);
  expect(err.message).toMatch(/Write failed on a:1\. Split brain: a:1 and b:2/);
  expect(err.cause).toBe(cause);
});

test('causal tokens round-trip; anything else is a CausalTokenError with a short message', () => {
  expect(decodeCausalToken(encodeCausalToken('16/B374D848'))).toBe('16/B374D848');
  for (const bad of ['', 'rw1.', 'rw1.!!!', 'garbage', `rw1.${Buffer.from('1/2/3').toString('base64url')}`]) {
    const err = (() => {
      try {
        decodeCausalToken(bad);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(api.CausalTokenError);
    expect((err as Error).message.length).toBeLessThan(200);
  }
  expect(() => decodeCausalToken(`x${'y'.repeat(1 << 20)}`)).toThrow(api.CausalTokenError);
});

test('QueryTimeoutError names the server and the timeout, never a password, and keeps the cause', () => {
  const cause = new Error('Query read timeout');
  const err = new api.QueryTimeoutError('10.0.0.2:5433', 200, { cause });
  expect(err).toBeInstanceOf(RwsplitError);
  expect(err).toMatchObject({ name: 'QueryTimeoutError', code: 'RWSPLIT_QUERY_TIMEOUT', server: '10.0.0.2:5433' });
  expect(err.timeoutMs).toBe(200);
  expect(err.cause).toBe(cause);
  expect(err.message).toMatch(
    /^No answer from the PostgreSQL server at 10\.0\.0\.2:5433 within 200 ms \(query_timeout\)\./,
  );
});
