// Brings the local cluster up (or reuses a running one) and migrates, once for the whole jest run.
// It runs the project's own `cluster` script in a child process: the same path a user takes, and free of
// Jest's module loader (which cannot load execa's ESM here; see jest.config.js).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../../src/config';

const root = path.resolve(__dirname, '..', '..');

/** Runs one of the project's scripts (`scripts/<script>.ts`) with the caller's environment. */
function runScript(script: string, ...args: string[]): { status: number | null; output: string } {
  const r = spawnSync(
    path.join(root, 'node_modules', '.bin', 'ts-node'),
    [path.join(root, 'scripts', `${script}.ts`), ...args],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 180_000,
    },
  );
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

export function clusterScript(command: string): { status: number | null; output: string } {
  return runScript('cluster', command);
}

export default async function globalSetup(): Promise<void> {
  if (!loadConfig().usesLocalCluster) {
    // Pointed at external servers: only migrate them.
    const r = runScript('db-migrate');
    if (r.status !== 0) throw new Error(`db:migrate failed:\n${r.output}`);
    return;
  }
  // `cluster:status` exits non-zero when a node is down: then this run starts it, and teardown stops it again.
  const before = clusterScript('status');
  (globalThis as { __rwsplitStartedCluster?: boolean }).__rwsplitStartedCluster = before.status !== 0;
  const up = clusterScript('up');
  if (up.status !== 0) throw new Error(`cluster:up failed:\n${up.output}`);
}
