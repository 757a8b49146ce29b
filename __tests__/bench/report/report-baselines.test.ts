// reportBaselines on its own: pgbench / raw pg results into the report's baselines, and why pgbench is missing.
import type { PgbenchOutcome, RawPgResult } from '../../../src/bench/baseline/baseline-result';
import { PGBENCH_NOT_RUN, reportBaselines } from '../../../src/bench/report/report-baselines';

test('reportBaselines maps pgbench / raw pg results; a missing pgbench becomes the report note', () => {
  const figures = {
    clients: 4,
    transactions: 10,
    durationMs: 1000,
    opsPerSec: 10,
    meanMs: 1,
    p50Ms: 1,
    p95Ms: 2,
    p99Ms: 3,
  };
  const pgbench: PgbenchOutcome = {
    ...figures,
    status: 'ok',
    tool: 'pgbench',
    target: 'x',
    pgbench: 'pgbench',
    version: 'v',
    argv: [],
    failed: 0,
  };
  const rawPg: RawPgResult = { ...figures, status: 'ok', tool: 'raw-pg', target: 'x' };
  expect(reportBaselines([{ workload: 'read', pgbench, rawPg }])).toEqual({
    pgbench: {
      available: true,
      runs: [
        {
          tool: 'pgbench',
          workload: 'read',
          clients: 4,
          opsPerSec: 10,
          meanMs: 1,
          p50Ms: 1,
          p95Ms: 2,
          p99Ms: 3,
          ranOn: 'x',
        },
      ],
    },
    rawPg: [
      {
        tool: 'raw-pg',
        workload: 'read',
        clients: 4,
        opsPerSec: 10,
        meanMs: 1,
        p50Ms: 1,
        p95Ms: 2,
        p99Ms: 3,
        ranOn: 'x',
      },
    ],
  });
  const missing = reportBaselines([
    {
      workload: 'read',
      pgbench: { status: 'unavailable', tool: 'pgbench', kind: 'not-installed', reason: 'pgbench not installed: …' },
      rawPg,
    },
  ]);
  expect(missing.pgbench).toEqual({ available: false, why: 'not-installed', reason: 'pgbench not installed: …' });
  expect(missing.rawPg).toHaveLength(1);

  // Installed but failing is not "not installed": the reason is pgbench's own error.
  const broken: PgbenchOutcome = {
    status: 'unavailable',
    tool: 'pgbench',
    kind: 'failed',
    reason: 'pgbench failed: x',
  };
  expect(reportBaselines([{ workload: 'read', pgbench: broken, rawPg }]).pgbench).toEqual({
    available: false,
    why: 'failed',
    reason: 'read: pgbench failed: x',
  });
  // One workload failing while another ran: the runs stay, the failure is listed.
  expect(
    reportBaselines([
      { workload: 'read', pgbench },
      { workload: 'write', pgbench: broken },
    ]).pgbench,
  ).toEqual({
    available: true,
    runs: [expect.objectContaining({ workload: 'read' })],
    failed: [{ workload: 'write', reason: 'pgbench failed: x' }],
  });
  // No pgbench outcome at all: not run, with the caller's reason or the default one.
  expect(reportBaselines([{ workload: 'read', rawPg }]).pgbench).toEqual({
    available: false,
    why: 'not-run',
    reason: PGBENCH_NOT_RUN,
  });
  expect(reportBaselines([{ workload: 'read', rawPg }], 'interrupted').pgbench).toMatchObject({
    reason: 'interrupted',
  });
});
