// The cluster the library's integration tests run on: a primary and its streaming replicas, named by variables
// (the repository's `npm test` sets them for its local cluster). The library knows nothing of who started it.
import pg from 'pg';

export interface TestCluster {
  readonly primaryUrl: string;
  readonly replicaUrls: readonly string[];
  /** Superuser URLs, primary first, for fault injection (pausing replay). */
  readonly adminUrls: readonly string[];
}

function list(name: string): string[] {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set. The library's integration tests need a primary and its streaming replicas: run them ` +
        'from the repository root with `npm test`, or set RWSPLIT_TEST_PRIMARY_URL, RWSPLIT_TEST_REPLICA_URLS and ' +
        'RWSPLIT_TEST_ADMIN_URLS (superuser URLs, primary first).',
    );
  }
  return value.split(',').map((v) => v.trim());
}

export function testCluster(): TestCluster {
  const [primaryUrl] = list('RWSPLIT_TEST_PRIMARY_URL');
  return {
    primaryUrl: primaryUrl!,
    replicaUrls: list('RWSPLIT_TEST_REPLICA_URLS'),
    adminUrls: list('RWSPLIT_TEST_ADMIN_URLS'),
  };
}

/** The port in a URL: what `inet_server_port()` answers on that node. */
export const portOf = (url: string): number => Number(new URL(url).port || 5432);

/** A node's name in rwsplit's events and replicas(): `host:port` as the URL gives it. */
export const nodeName = (url: string): string => `${new URL(url).hostname}:${portOf(url)}`;

/** Runs one statement as superuser on node `index` (0 is the primary). */
export async function adminQuery<R extends pg.QueryResultRow>(
  cluster: TestCluster,
  index: number,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: cluster.adminUrls[index], query_timeout: 30_000 });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Replicas' indexes in adminUrls. */
const replicas = (cluster: TestCluster) => cluster.replicaUrls.map((_, i) => i + 1);

/**
 * Pauses WAL replay on the replicas `which` (indexes in replicaUrls; default every one): rows written from now on
 * are missing there until `resumeReplay`.
 */
export async function pauseReplay(cluster: TestCluster, which?: readonly number[]): Promise<void> {
  const nodes = which?.map((r) => r + 1) ?? replicas(cluster);
  await Promise.all(nodes.map((i) => adminQuery(cluster, i, 'SELECT pg_wal_replay_pause()')));
}

/** Resumes WAL replay on the replicas `which` (indexes in replicaUrls; default every one). */
export async function resumeReplay(cluster: TestCluster, which?: readonly number[]): Promise<void> {
  const nodes = which?.map((r) => r + 1) ?? replicas(cluster);
  await Promise.all(nodes.map((i) => adminQuery(cluster, i, 'SELECT pg_wal_replay_resume()')));
}

const PRIMARY_POSITION = 'SELECT pg_current_wal_insert_lsn()::text AS lsn';
const REPLAYED = 'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done';

/** Waits (bounded) until every replica has replayed what the primary has written so far. */
export async function waitForReplicas(cluster: TestCluster, timeoutMs = 20_000): Promise<void> {
  const [{ lsn }] = (await adminQuery<{ lsn: string }>(cluster, 0, PRIMARY_POSITION)) as [{ lsn: string }];
  const deadline = Date.now() + timeoutMs;
  for (const i of replicas(cluster)) {
    for (;;) {
      const [row] = await adminQuery<{ done: boolean }>(cluster, i, REPLAYED, [lsn]);
      if (row?.done) break;
      if (Date.now() > deadline) throw new Error(`Replica ${i} did not replay ${lsn} within ${timeoutMs} ms.`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
