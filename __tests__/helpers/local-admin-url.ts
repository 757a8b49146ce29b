// The superuser's URL for one node of a local cluster, over its Unix socket and on the application's database:
// what the library's tests take as an admin URL (fault injection, fixture DDL), with no password to hand around.
import { type LocalClusterConfig, localSocketDir } from '../../src/config';

/** Node `index` (0 is the node created as primary). */
export function localAdminUrl(cluster: LocalClusterConfig, index: number): string {
  const port = cluster.ports[index];
  if (port === undefined) throw new Error(`The local cluster has no node ${index}.`);
  const socket = encodeURIComponent(localSocketDir(cluster));
  return `postgresql://${cluster.adminUser}@localhost:${port}/${cluster.database}?host=${socket}`;
}
