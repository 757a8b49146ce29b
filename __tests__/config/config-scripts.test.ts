// A bad environment value, given to a real script: one clean `error:` message naming the variable (no stack trace,
// no password), exit code 1, and nothing started.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

function runScript(script: string, env: Record<string, string>): { status: number | null; stderr: string } {
  const r = spawnSync(path.join(root, 'node_modules', '.bin', 'ts-node'), [path.join(root, 'scripts', script)], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  return { status: r.status, stderr: r.stderr };
}

jest.setTimeout(120_000);

test.each([
  ['check.ts', { DATABASE_URL: 'postgresql://app:hunter2@db:99999/app' }, /^error: DATABASE_URL is not a valid URL/],
  ['demo.ts', { WRITER_FALLBACK: 'carrier-pigeon' }, /^error: WRITER_FALLBACK: WRITER_FALLBACK must be one of/],
  ['consistency.ts', { REPLICA_URLS: 'http://r1/app' }, /^error: REPLICA_URLS entry 1 is not a postgres URL/],
])('%s with %j exits 1 with one clear message', (script, env, message) => {
  const r = runScript(script, env);
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(message);
  // The error, then only the causes it wraps.
  const [first, ...causes] = r.stderr.trim().split('\n');
  expect(first).toMatch(/^error: /);
  for (const line of causes) expect(line).toMatch(/^ {2}caused by: /);
  expect(r.stderr).not.toMatch(/hunter2|\n\s+at /);
});
