// Brings the local cluster up (or reuses a running one) and migrates, once for the whole jest run.
// It runs the project's own `cluster` script in a child process: the same path a user takes, and free of
// Jest's module loader (which cannot load execa's ESM here; see jest.config.js).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { haConfig, restUrl } from '../../src/ha/ha-config';
import { localAdminUrl } from '../helpers/local-admin-url';

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

export function haScript(command: string): { status: number | null; output: string } {
  return runScript('ha', command);
}

/** True when a member of the local Patroni cluster answers its REST API. */
async function haRunning(): Promise<boolean> {
  const cfg = haConfig();
  for (const member of cfg.members) {
    const up = await fetch(`${restUrl(cfg, member)}/health`, { signal: AbortSignal.timeout(1000) }).then(
      () => true,
      () => false,
    );
    if (up) return true;
  }
  return false;
}

export default async function globalSetup(): Promise<void> {
  if (!loadConfig().usesLocalCluster) {
    // The suites stop nodes, pause replay and promote standbys through the local cluster's admin socket; none of
    // that may happen to servers named in DATABASE_URL.
    throw new Error(
      "The tests run on the project's own local cluster, and DATABASE_URL is set. Unset DATABASE_URL and " +
        'REPLICA_URLS (e.g. `env -u DATABASE_URL -u REPLICA_URLS npm test`) and run them again.',
    );
  }
  // Every project that needs the cluster names this setup; jest runs it once per project, in one process.
  const run = globalThis as {
    __rwsplitClusterReady?: boolean;
    __rwsplitStartedCluster?: boolean;
    __rwsplitHaRunningBefore?: boolean;
  };
  if (run.__rwsplitClusterReady) return;
  // `npm test` runs two jest lanes side by side (scripts/test.ts, RWSPLIT_TEST_LANE): `local` runs every suite but
  // the Patroni ones and leaves the Patroni cluster alone; `ha` runs only those and never touches the local cluster
  // (checking or starting it while the other lane has a node stopped on purpose would undo that test's fault, and
  // stopping it at the end would pull it from under the other lane's suites). Without a lane, both are handled here.
  const lane = process.env.RWSPLIT_TEST_LANE;
  // The Patroni cluster is started by the first suite that needs it and shared by the next ones (starting and stopping
  // it costs ~10 s); teardown stops it unless it ran before this run. The suites read the variable to know.
  run.__rwsplitHaRunningBefore = lane === 'local' || (await haRunning());
  process.env.RWSPLIT_TEST_HA_RUNNING_BEFORE = run.__rwsplitHaRunningBefore ? '1' : '0';
  if (lane !== 'ha') {
    // `cluster:status` exits non-zero when a node is down: then this run starts it, and teardown stops it again.
    const before = clusterScript('status');
    run.__rwsplitStartedCluster = before.status !== 0;
    const up = clusterScript('up');
    if (up.status !== 0) throw new Error(`cluster:up failed:\n${up.output}`);
  }
  exportClusterForLibraryTests();
  run.__rwsplitClusterReady = true;
}

/**
 * The library's integration tests (packages/rwsplit/test) know nothing of this application: they take a primary,
 * its streaming replicas and superuser URLs for fault injection from these variables, and the control of private
 * and Patroni clusters from the module RWSPLIT_TEST_CLUSTER_KIT names.
 */
function exportClusterForLibraryTests(): void {
  const config = loadConfig();
  const admin = config.cluster.ports.map((_, i) => localAdminUrl(config.cluster, i));
  process.env.RWSPLIT_TEST_PRIMARY_URL = config.primaryUrl;
  process.env.RWSPLIT_TEST_REPLICA_URLS = config.replicaUrls.join(',');
  process.env.RWSPLIT_TEST_ADMIN_URLS = admin.join(',');
  process.env.RWSPLIT_TEST_CLUSTER_KIT = path.join(root, '__tests__', 'helpers', 'library-cluster-kit.ts');
}
