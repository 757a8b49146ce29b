// Short-lived admin connections never wait forever: a query that gets no answer within its query_timeout fails
// with an error naming the server (never the password) and what to do, and the connection is closed.
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { DEFAULT_QUERY_TIMEOUT_MS, PgQueryTimeoutError, queryOnce, withPg } from '../../src/db/pg-client';

const config = loadConfig(process.env);
const port = new URL(config.primaryUrl).port;
/** Sleeps on the server for 2 s, tagged so the test can find its backend. */
const SLOW_QUERY = 'SELECT pg_sleep(2), $1::text AS tag';

test('the default query timeout is a finite, documented number', () => {
  expect(DEFAULT_QUERY_TIMEOUT_MS).toBe(60_000);
});

test('a query with no answer within queryTimeoutMs: PgQueryTimeoutError naming host:port, not the password', async () => {
  const err = await queryOnce(config.primaryUrl, SLOW_QUERY, [randomUUID()], undefined, 200).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PgQueryTimeoutError);
  const timeout = err as PgQueryTimeoutError;
  expect(timeout.message).toMatch(
    new RegExp(`^No answer from the PostgreSQL server at 127\\.0\\.0\\.1:${port} within 200 ms \\(query_timeout\\)\\.`),
  );
  expect(timeout.message).toMatch(/check that it is not stuck/);
  expect(timeout.message).not.toContain(new URL(config.primaryUrl).password);
  expect((timeout.cause as Error).message).toBe('Query read timeout');
  expect(timeout).toMatchObject({ server: `127.0.0.1:${port}`, timeoutMs: 200 });
});

test("a target's own query_timeout wins over the default, and a fast query is unaffected", async () => {
  const target = { connectionString: config.primaryUrl, query_timeout: 150 };
  await expect(withPg(target, (c) => c.query(SLOW_QUERY, [randomUUID()]))).rejects.toThrow(/within 150 ms/);
  expect(await queryOnce<{ one: number }>(target, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
});

test('query errors are passed through unchanged', async () => {
  await expect(queryOnce(config.primaryUrl, 'SELECT * FROM no_such_table_here')).rejects.toMatchObject({
    code: '42P01',
  });
});
