// Stops the local cluster if global-setup started it; a cluster the developer had running stays up.
import { clusterScript } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  if ((globalThis as { __rwsplitStartedCluster?: boolean }).__rwsplitStartedCluster) {
    const r = clusterScript('down');
    if (r.status !== 0) console.error(`cluster:down failed:\n${r.output}`);
  }
}
