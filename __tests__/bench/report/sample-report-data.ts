// A realistic report input: figures of the order measured on this project's machines (PG 17 primary + 2
// standbys on loopback, 8 clients), a lag trace with a spike and a gap while standby2 was down.
import type { ReportData } from '../../../src/bench/report/report-data';

const lagTrace = (node: string, phase: number, spikeScale: number, downFrom?: number, downTo?: number) => ({
  node,
  points: Array.from({ length: 41 }, (_, i) => {
    const tMs = i * 250;
    if (downFrom !== undefined && downTo !== undefined && tMs >= downFrom && tMs < downTo) {
      return { tMs, lagBytes: null, lagMs: null };
    }
    const spike = i >= 14 && i <= 20 ? (20 - Math.abs(17 - i) * 5) * spikeScale : 0;
    const lagMs = Math.round(2 + ((i * 7 + phase) % 5) + spike);
    return { tMs, lagMs, lagBytes: lagMs * 1200 + ((i * 13 + phase) % 7) * 100 };
  }),
});

export function sampleReportData(overrides: Partial<ReportData> = {}): ReportData {
  return {
    title: 'rwsplit bench',
    generatedAt: '2026-11-25T17:30:00.000Z',
    environment: {
      node: 'v20.20.2',
      cpus: 2,
      postgres: '17.10',
      primary: 'postgresql://rwsplit:***@127.0.0.1:15432/rwsplit',
      replicas: 2,
      rows: 10000,
      clients: 8,
    },
    paths: [
      {
        name: 'prisma-read',
        description: 'findMany 10 rows ORDER BY created_at DESC via the replicated client',
        workload: 'read',
        samples: 20000,
        p50Ms: 1.712,
        p95Ms: 3.904,
        p99Ms: 6.18,
        meanMs: 1.905,
        opsPerSec: 4199.3,
        histogram: [
          { upperMs: 0.5, count: 12 },
          { upperMs: 1, count: 1450 },
          { upperMs: 2, count: 11800 },
          { upperMs: 5, count: 6310 },
          { upperMs: 10, count: 402 },
          { upperMs: 50, count: 26 },
        ],
      },
      {
        name: 'prisma-write',
        description: 'create one row on the primary',
        workload: 'write',
        samples: 5000,
        p50Ms: 2.61,
        p95Ms: 5.83,
        p99Ms: 9.4,
        meanMs: 2.893,
        opsPerSec: 2764.1,
      },
      {
        name: 'pg-read',
        workload: 'read',
        samples: 20000,
        p50Ms: 0.541,
        p95Ms: 1.12,
        p99Ms: 1.87,
        meanMs: 0.588,
        opsPerSec: 13595,
      },
      {
        name: 'fallback-write',
        description: 'writer service through local psql',
        workload: 'write',
        samples: 50,
        p50Ms: 38.2,
        p95Ms: 51.7,
        p99Ms: 64.05,
        meanMs: 40.3,
        opsPerSec: 24.8,
      },
    ],
    baselines: {
      pgbench: {
        available: true,
        runs: [
          {
            tool: 'pgbench',
            workload: 'read',
            clients: 8,
            opsPerSec: 32762.4,
            meanMs: 0.244,
            p50Ms: 0.211,
            p95Ms: 0.47,
            p99Ms: 0.9,
          },
          {
            tool: 'pgbench',
            workload: 'write',
            clients: 8,
            opsPerSec: 9677.2,
            meanMs: 0.827,
            p50Ms: 0.74,
            p95Ms: 1.5,
            p99Ms: 2.4,
          },
        ],
      },
      rawPg: [
        {
          tool: 'raw-pg',
          workload: 'read',
          clients: 8,
          opsPerSec: 13595,
          meanMs: 0.588,
          p50Ms: 0.541,
          p95Ms: 1.12,
          p99Ms: 1.87,
        },
        {
          tool: 'raw-pg',
          workload: 'write',
          clients: 8,
          opsPerSec: 6120.5,
          meanMs: 1.306,
          p50Ms: 1.2,
          p95Ms: 2.2,
          p99Ms: 3.1,
        },
      ],
    },
    lagSeries: [lagTrace('standby1', 1, 40), lagTrace('standby2', 3, 25, 6000, 7500)],
    readsPerNode: [
      { node: 'primary', reads: 312 },
      { node: 'standby1', reads: 20117 },
      { node: 'standby2', reads: 19571 },
    ],
    notes: [
      'fallback-write ran 50 calls one at a time: it spawns psql per write.',
      'Figures <of> a "2-core" VM & loopback.',
    ],
    ...overrides,
  };
}
