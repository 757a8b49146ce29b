// Pauses or resumes WAL replay on every standby of the local cluster (as superuser, over its admin socket): a row
// written meanwhile exists only on the primary, which is how a test proves where a read went.
import { LocalCluster } from '../../src/cluster/local-cluster';
import { loadConfig } from '../../src/config';
import { queryOnce } from '../../src/db/pg-client';

export async function setStandbyReplay(paused: boolean): Promise<void> {
  const cluster = new LocalCluster(loadConfig().cluster);
  const sql = paused ? 'SELECT pg_wal_replay_pause()' : 'SELECT pg_wal_replay_resume()';
  await Promise.all(cluster.nodes.slice(1).map((node) => queryOnce(cluster.adminTarget(node), sql)));
}
