// Stops the local cluster, and the Patroni cluster, if this run started them; what the developer had running stays up.
import { clusterScript, haScript } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  // Named by each project that uses the cluster: the first run stops it, the others find nothing to do.
  const run = globalThis as { __rwsplitStartedCluster?: boolean; __rwsplitHaRunningBefore?: boolean };
  // The Patroni cluster a suite of this run started (and left for the next ones): `ha:down` is a no-op when none runs.
  if (run.__rwsplitHaRunningBefore === false) {
    run.__rwsplitHaRunningBefore = undefined;
    const r = haScript('down');
    if (r.status !== 0) console.error(`ha:down failed:\n${r.output}`);
  }
  if (run.__rwsplitStartedCluster) {
    run.__rwsplitStartedCluster = false;
    const r = clusterScript('down');
    if (r.status !== 0) console.error(`cluster:down failed:\n${r.output}`);
  }
}
