// Prints a BenchReport as tables. Only presentation: the numbers come from runBench.
import Table from 'cli-table3';
import type { BenchReport } from './bench-report';

const ms = (v: number) => (v < 10 ? v.toFixed(3) : v.toFixed(1));

/** The bench's text output: environment, one row per path, ratios, and skipped paths. */
export function formatBenchReport(report: BenchReport): string {
  const e = report.environment;
  const o = report.options;
  const lines = [
    `node ${e.node} · ${e.platform} ${e.arch} · ${e.cpus} × ${e.cpuModel}`,
    `PostgreSQL ${e.postgres} · primary ${e.primary} · ${e.replicas} standby(s)${e.localCluster ? ' · local cluster' : ''}`,
    `${o.iterations} calls per path (${o.warmup} warm-up), concurrency ${o.concurrency}, ${e.tableRows} rows; ` +
      `fallback writes: ${o.fallbackIterations} calls, one at a time`,
  ];
  const table = new Table({
    head: ['path', 'on', 'conc.', 'samples', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms', 'ops/s'],
    style: { head: [], border: [] },
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  });
  for (const p of report.paths) {
    table.push([
      p.name,
      p.target,
      p.concurrency,
      p.samples,
      ms(p.p50Ms),
      ms(p.p95Ms),
      ms(p.p99Ms),
      ms(p.meanMs),
      Math.round(p.opsPerSec),
    ]);
  }
  lines.push(table.toString());
  for (const r of report.ratios) lines.push(`${r.name}: ${r.p50Ratio.toFixed(2)}× (p50)`);
  for (const s of report.skipped) lines.push(`skipped ${s.name}: ${s.reason}`);
  lines.push(...report.paths.map((p) => `  ${p.name}: ${p.description}`));
  return lines.join('\n');
}
