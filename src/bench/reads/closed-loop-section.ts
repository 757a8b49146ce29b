// The closed-loop table the bench prints: one row per path with its ratios to the baselines of the same SQL, then
// the pgbench runs themselves. report.html shows the same paths in its figures table (from ReportData.paths).
import type { PgbenchOutcome } from '../baseline/baseline-result';
import type { ReportSection } from '../report/report-data';
import { rawPgBaselines } from './bench-report-data';
import type { BenchReport } from './bench-report';

const pgbenchOk = (o: PgbenchOutcome | undefined) => (o?.status === 'ok' ? o : null);

export function closedLoopSection(report: BenchReport): ReportSection {
  const raw = rawPgBaselines(report);
  const baseline = {
    read: { pgbench: pgbenchOk(report.pgbench?.read), raw: raw.read ?? null },
    write: { pgbench: pgbenchOk(report.pgbench?.write), raw: raw.write ?? null },
  };
  const paths = report.paths.map((p) => {
    const b = p.workload ? baseline[p.workload] : null;
    const over = (ops: number | undefined) => (ops ? p.opsPerSec / ops : null);
    return [
      p.name,
      p.target,
      p.samples,
      p.p50Ms,
      p.p95Ms,
      p.p99Ms,
      p.p999Ms,
      p.meanMs,
      p.opsPerSec,
      over(b?.pgbench?.opsPerSec),
      over(b?.raw?.opsPerSec),
    ];
  });
  const pgbench = Object.entries(baseline).flatMap(([workload, { pgbench: g }]) =>
    g
      ? [
          [
            `pgbench ${workload}`,
            'baseline',
            g.transactions,
            g.p50Ms,
            g.p95Ms,
            g.p99Ms,
            null,
            g.meanMs,
            g.opsPerSec,
            1,
            null,
          ],
        ]
      : [],
  );
  return {
    id: 'closed-loop',
    title: `Closed-loop figures (${report.options.concurrency} workers per path, each waits for its response)`,
    columns: [
      'path',
      'on',
      'samples',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'p99.9 ms',
      'mean ms',
      'ops/s',
      'ops ÷ pgbench',
      'ops ÷ raw pg',
    ],
    rows: [...paths, ...pgbench],
  };
}
