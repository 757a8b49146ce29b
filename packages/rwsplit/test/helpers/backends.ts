// Statements in flight on a node, seen and stopped through pg_stat_activity: fault tests catch a query while it
// runs, then terminate its backend. `pattern` is a LIKE pattern, bound as a value.
import { adminQuery, type TestCluster } from './test-cluster';
import { waitUntil } from './wait-until';

const RUNNING = 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()';
const TERMINATE =
  'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()';

/** Waits until some other backend on node `index` (0 is the primary) runs a statement matching `pattern`. */
export function waitForStatement(cluster: TestCluster, index: number, pattern: string, what: string): Promise<void> {
  return waitUntil(async () => (await adminQuery<{ n: number }>(cluster, index, RUNNING, [pattern]))[0]!.n > 0, what);
}

/** Terminates every other backend on node `index` whose statement matches `pattern`. */
export async function terminateStatement(cluster: TestCluster, index: number, pattern: string): Promise<void> {
  await adminQuery(cluster, index, TERMINATE, [pattern]);
}
