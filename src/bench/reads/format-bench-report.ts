// Prints a BenchReport as tables. Only presentation: the numbers come from runBench, the tables from the same
// sections the report shows (closed-loop, open-loop, ratios, memory).
import { formatSectionTable, type SectionTableOptions } from '../common/format-section-table';
import { closedLoopSection } from './closed-loop-section';
import { memorySection } from './memory-section';
import { openLoopSection, ratiosSection } from './bench-report-data';
import type { BenchReport } from './bench-report';
import { READS_CELL_FORMATS } from './reads-cell-formats';

const PRINT: SectionTableOptions = { alignNumbers: true, format: READS_CELL_FORMATS };
const ms = (v: number) => (v < 10 ? v.toFixed(3) : v.toFixed(1));

/** The open-loop table: offered vs achieved rate, requests not on time, latency from the intended start. */
export function formatOpenLoop(report: BenchReport): string[] {
  return [
    `OPEN-LOOP (wrk2 style): requests start on a fixed schedule at the offered rate whatever the responses, ` +
      `${report.options.openLoopSeconds} s per run; latency counts from each request's intended start, so queueing shows`,
    `  late: issued > 5 ms after schedule; not issued: dropped at the time bound; unfinished: still in flight then`,
    formatSectionTable(openLoopSection(report), PRINT),
  ];
}

/** The lines under the tables: reads per node, each standby's lag, skipped paths, what each path does. */
function footer(report: BenchReport): string[] {
  const reads = report.reads.perNode.map((n) => `${n.node} ${n.reads}`).join(', ');
  const lag = report.lagSeries.map((s) => {
    const bytes = s.points.flatMap((p) => (p.lagBytes === null ? [] : [p.lagBytes]));
    const lagMs = s.points.flatMap((p) => (p.lagMs === null ? [] : [p.lagMs]));
    return (
      `lag ${s.node}: ${s.points.length} samples, max ${bytes.length ? Math.max(...bytes) : '-'} bytes, ` +
      `max ${lagMs.length ? ms(Math.max(...lagMs)) : '-'} ms`
    );
  });
  return [
    `router reads per node: ${reads || 'none'} (of ${report.reads.issued} issued)`,
    ...lag,
    ...report.skipped.map((s) => `skipped ${s.name}: ${s.reason}`),
    ...report.paths.map((p) => `  ${p.name}: ${p.description}`),
  ];
}

/** The bench's text output: environment, one row per path (with ratios to the baselines), ratios, reads, lag. */
export function formatBenchReport(report: BenchReport): string {
  const e = report.environment;
  const o = report.options;
  const memory = report.memory;
  return [
    `node ${e.node} · ${e.platform} ${e.arch} · ${e.cpus} × ${e.cpuModel}`,
    `PostgreSQL ${e.postgres} · primary ${e.primary} · ${e.replicas} standby(s)${e.localCluster ? ' · local cluster' : ''}`,
    `${o.iterations} calls per path in ${o.rounds} rounds (${o.warmup} warm-up), concurrency ${o.concurrency}, ` +
      `${e.tableRows} rows; fallback writes: ${o.fallbackIterations} calls, one at a time`,
    '',
    `CLOSED-LOOP: ${o.concurrency} workers per path, each sends its next call when the previous one returns`,
    formatSectionTable(closedLoopSection(report), PRINT),
    ...(report.openLoop.length > 0 ? ['', ...formatOpenLoop(report)] : []),
    formatSectionTable(ratiosSection(report), PRINT),
    ...(memory
      ? [
          formatSectionTable(memorySection(memory), PRINT),
          `(${memory.samples} processes per kind, ${memory.reads} reads each; "added": over the process with its modules loaded and no client)`,
        ]
      : []),
    ...footer(report),
  ].join('\n');
}
