// Waits with a bound: short-lived admin connections (a query with no answer within its query_timeout fails with an
// error naming the server, never the password, and what to do), and pg_ctl status on a data folder whose
// postmaster.pid blocks every reader (a FIFO: pg_ctl really hangs in open(2) until it is stopped).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { NodeProcess } from '../../src/cluster/node-process';
import { loadConfig } from '../../src/config';
import { QueryTimeoutError } from 'rwsplit';
import { DEFAULT_QUERY_TIMEOUT_MS, queryOnce, withPg } from '../../src/db/pg-client';

const config = loadConfig(process.env);
const port = new URL(config.primaryUrl).port;
/** Sleeps on the server for 2 s, tagged so the test can find its backend. */
const SLOW_QUERY = 'SELECT pg_sleep(2), $1::text AS tag';

test('the default query timeout is a finite, documented number', () => {
  expect(DEFAULT_QUERY_TIMEOUT_MS).toBe(60_000);
});

test('a query with no answer within queryTimeoutMs: QueryTimeoutError naming host:port, not the password', async () => {
  const err = await queryOnce(config.primaryUrl, SLOW_QUERY, [randomUUID()], undefined, 200).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(QueryTimeoutError);
  const timeout = err as QueryTimeoutError;
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

test('pg_ctl status that never returns: isRunning gives up after its timeout, naming the folder and the way out', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rw-status-'));
  try {
    // Reachable by the server account pg_ctl runs as when we are root.
    await fs.chmod(dir, 0o755);
    const dataDir = path.join(dir, 'primary');
    await fs.mkdir(dataDir, { mode: 0o755 });
    await fs.writeFile(path.join(dataDir, 'PG_VERSION'), '17\n');
    await execa('mkfifo', ['-m', '0666', path.join(dataDir, 'postmaster.pid')]);
    const proc = new NodeProcess({ ...config.cluster, dir }, () => undefined, { statusTimeoutS: 1 });
    const node = { name: 'primary', index: 0, port: 1, dataDir, logFile: path.join(dir, 'primary.log') };
    await expect(proc.isRunning(node)).rejects.toThrow(
      new RegExp(
        `^pg_ctl status -D ${dataDir} did not answer within 1s, so whether primary runs is unknown\\. .*` +
          'npm run cluster:reset',
      ),
    );
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
