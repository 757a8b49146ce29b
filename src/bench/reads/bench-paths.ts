// The paths measured side by side in rounds: the same findMany on a standby through the bare extension, the
// router and the router with metrics, the same SELECT through raw pg, and the same INSERT through the router and
// through raw pg.
import { INSERT_PROBE_ROW } from '../../replication/queries';
import type { BenchClients } from './bench-clients';
import type { BenchTarget, BenchWorkload } from './bench-report';
import type { RoundPath } from './interleaved-rounds';

/** The read every read path makes, as raw SQL: the rows Prisma's findMany below asks for. */
export const LATEST_ROWS_SQL = 'SELECT id, data, created_at FROM test_replication ORDER BY created_at DESC LIMIT 10';

/** The write of the write paths as pgbench runs it: one constant row (pgbench scripts take no bind values). */
export const PGBENCH_WRITE_SQL = "INSERT INTO test_replication (data) VALUES ('bench pgbench write')";

/** Stable path names: the report, the ratios and the tests refer to them. */
export const PATH = {
  extensionRead: 'extension-read',
  routerRead: 'router-read',
  routerMetricsRead: 'router-metrics-read',
  pgRead: 'pg-read',
  routerWrite: 'router-write',
  pgWrite: 'pg-write',
  commitToVisible: 'commit-to-visible',
  fallbackWritePrefix: 'fallback-write-',
} as const;

export interface BenchPath extends RoundPath {
  readonly description: string;
  readonly target: BenchTarget;
  readonly workload: BenchWorkload;
}

const latest = { take: 10, orderBy: { createdAt: 'desc' as const } };

/** The interleaved paths, in a fixed order (the rounds rotate it). */
export function benchPaths(c: BenchClients): BenchPath[] {
  const standbys = c.standbyPools;
  return [
    {
      name: PATH.extensionRead,
      description: 'findMany 10 rows ORDER BY created_at DESC through the bare read-replicas extension',
      target: 'standby',
      workload: 'read',
      op: () => c.extension.testReplication.findMany(latest),
    },
    {
      name: PATH.routerRead,
      description: 'the same findMany through the rwsplit router (eventual, health checks in the background)',
      target: 'standby',
      workload: 'read',
      op: () => c.router.client.testReplication.findMany(latest),
    },
    {
      name: PATH.routerMetricsRead,
      description: 'the same findMany through a second router whose onEvent also feeds Prometheus metrics',
      target: 'standby',
      workload: 'read',
      op: () => c.routerWithMetrics.client.testReplication.findMany(latest),
    },
    {
      name: PATH.pgRead,
      description: 'the same SELECT through raw pg Pools, one per standby, used in turn',
      target: 'standby',
      workload: 'read',
      op: (i) => standbys[i % standbys.length]!.query(LATEST_ROWS_SQL),
    },
    {
      name: PATH.routerWrite,
      description: 'testReplication.create through the router (primary)',
      target: 'primary',
      workload: 'write',
      op: (i) => c.router.client.testReplication.create({ data: { data: `bench router write ${i}` } }),
    },
    {
      name: PATH.pgWrite,
      description: 'the same INSERT through a raw pg Pool on the primary',
      target: 'primary',
      workload: 'write',
      op: (i) => c.primaryPool.query(INSERT_PROBE_ROW, [`bench pg write ${i}`]),
    },
  ];
}
