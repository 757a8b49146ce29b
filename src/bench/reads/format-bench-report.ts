// Prints a BenchReport as tables. Only presentation: the numbers come from runBench.
import { type MemoryFootprint, RSS_TARGET } from './memory-footprint';
import Table from 'cli-table3';
import type { PgbenchOutcome } from '../baseline/baseline-result';
import { meetsTarget, OPEN_LOOP_COLUMNS, rawPgBaselines } from './bench-report-data';
import type { BenchReport } from './bench-report';

const ms = (v: number | null) => (v === null ? '-' : v < 10 ? v.toFixed(3) : v.toFixed(1));
const times = (v: number | null) => (v === null ? '-' : `${v.toFixed(3)}×`);
const style = { head: [], border: [] };

function pgbenchOk(o: PgbenchOutcome | undefined) {
  return o?.status === 'ok' ? o : null;
}

const count = (v: number) => (v === 0 ? '0' : String(v));

/** The open-loop table: offered vs achieved rate, requests not on time, latency from the intended start. */
export function formatOpenLoop(report: BenchReport): string[] {
  const table = new Table({
    head: [...OPEN_LOOP_COLUMNS],
    style,
    colAligns: ['left', ...Array<'right'>(10).fill('right')],
  });
  for (const r of report.openLoop) {
    table.push([
      r.path,
      r.offeredPerSec,
      Math.round(r.achievedPerSec),
      r.scheduled,
      count(r.lateIssued),
      count(r.notIssued),
      count(r.unfinished),
      ms(r.p50Ms),
      ms(r.p99Ms),
      ms(r.p999Ms),
      ms(r.maxMs),
    ]);
  }
  return [
    `OPEN-LOOP (wrk2 style): requests start on a fixed schedule at the offered rate whatever the responses, ` +
      `${report.options.openLoopSeconds} s per run; latency counts from each request's intended start, so queueing shows`,
    `  late: issued > 5 ms after schedule; not issued: dropped at the time bound; unfinished: still in flight then`,
    table.toString(),
  ];
}

/** The bench's text output: environment, one row per path (with ratios to the baselines), ratios, reads, lag. */
export function formatBenchReport(report: BenchReport): string {
  const e = report.environment;
  const o = report.options;
  const lines = [
    `node ${e.node} · ${e.platform} ${e.arch} · ${e.cpus} × ${e.cpuModel}`,
    `PostgreSQL ${e.postgres} · primary ${e.primary} · ${e.replicas} standby(s)${e.localCluster ? ' · local cluster' : ''}`,
    `${o.iterations} calls per path in ${o.rounds} rounds (${o.warmup} warm-up), concurrency ${o.concurrency}, ` +
      `${e.tableRows} rows; fallback writes: ${o.fallbackIterations} calls, one at a time`,
    '',
    `CLOSED-LOOP: ${o.concurrency} workers per path, each sends its next call when the previous one returns`,
  ];
  const raw = rawPgBaselines(report);
  const baseline = {
    read: { pgbench: pgbenchOk(report.pgbench?.read), raw: raw.read ?? null },
    write: { pgbench: pgbenchOk(report.pgbench?.write), raw: raw.write ?? null },
  };
  const table = new Table({
    head: [
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
    style,
    colAligns: ['left', 'left', ...Array<'right'>(9).fill('right')],
  });
  for (const p of report.paths) {
    const b = p.workload ? baseline[p.workload] : null;
    const over = (ops: number | undefined) => (ops ? p.opsPerSec / ops : null);
    table.push([
      p.name,
      p.target,
      p.samples,
      ms(p.p50Ms),
      ms(p.p95Ms),
      ms(p.p99Ms),
      ms(p.p999Ms),
      ms(p.meanMs),
      Math.round(p.opsPerSec),
      times(over(b?.pgbench?.opsPerSec)),
      times(over(b?.raw?.opsPerSec)),
    ]);
  }
  for (const [workload, b] of Object.entries(baseline)) {
    if (b.pgbench) {
      const g = b.pgbench;
      const cells = [g.transactions, ms(g.p50Ms), ms(g.p95Ms), ms(g.p99Ms), '-', ms(g.meanMs), Math.round(g.opsPerSec)];
      table.push([`pgbench ${workload}`, 'baseline', ...cells, times(1), '']);
    }
  }
  lines.push(table.toString());
  if (report.openLoop.length > 0) lines.push('', ...formatOpenLoop(report));

  const ratios = new Table({
    head: ['ratio', 'p50 ×', 'mean ×', 'ops/s ×', 'target'],
    style,
    colAligns: ['left', 'right', 'right', 'right', 'left'],
  });
  for (const r of report.ratios) {
    const met = meetsTarget(r);
    const target = met === null ? '' : `≤ ${r.targetP50Ratio}× ${met ? 'met' : 'NOT met'}`;
    ratios.push([r.name, times(r.p50Ratio), times(r.meanRatio), times(r.opsRatio), target]);
  }
  lines.push(ratios.toString());

  if (report.memory) lines.push(formatMemory(report.memory));

  const reads = report.reads.perNode.map((n) => `${n.node} ${n.reads}`).join(', ');
  lines.push(`router reads per node: ${reads || 'none'} (of ${report.reads.issued} issued)`);
  for (const s of report.lagSeries) {
    const bytes = s.points.flatMap((p) => (p.lagBytes === null ? [] : [p.lagBytes]));
    const lagMs = s.points.flatMap((p) => (p.lagMs === null ? [] : [p.lagMs]));
    lines.push(
      `lag ${s.node}: ${s.points.length} samples, max ${bytes.length ? Math.max(...bytes) : '-'} bytes, ` +
        `max ${lagMs.length ? ms(Math.max(...lagMs)) : '-'} ms`,
    );
  }
  for (const s of report.skipped) lines.push(`skipped ${s.name}: ${s.reason}`);
  lines.push(...report.paths.map((p) => `  ${p.name}: ${p.description}`));
  return lines.join('\n');
}

/** The memory study as a table: RSS per client kind, and its ratio to one plain PrismaClient. */
function formatMemory(memory: MemoryFootprint): string {
  const table = new Table({
    head: ['memory (median of processes)', 'RSS MiB', 'RSS ×', 'added MiB', 'added ×', 'target'],
    style,
    colAligns: ['left', 'right', 'right', 'right', 'right', 'left'],
  });
  for (const k of memory.kinds) {
    const target =
      k.kind === 'rwsplit'
        ? `≤ ${RSS_TARGET}× ${k.rssRatio <= RSS_TARGET ? 'met' : 'NOT met'}`
        : k.kind === 'plain'
          ? 'unit'
          : '';
    const mib = (x: number) => x.toFixed(1);
    table.push([k.kind, mib(k.rssMiB), times(k.rssRatio), mib(k.addedMiB), times(k.addedRatio), target]);
  }
  return `${table.toString()}\n(${memory.samples} processes per kind, ${memory.reads} reads each; "added": over the process with its modules loaded and no client)`;
}
