// Stops the local cluster if global-setup started it; a cluster the developer had running stays up.
import { clusterScript } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  // Named by each project that uses the cluster: the first run stops it, the others find nothing to do.
  const run = globalThis as { __rwsplitStartedCluster?: boolean };
  if (run.__rwsplitStartedCluster) {
    run.__rwsplitStartedCluster = false;
    const r = clusterScript('down');
    if (r.status !== 0) console.error(`cluster:down failed:\n${r.output}`);
  }
}
