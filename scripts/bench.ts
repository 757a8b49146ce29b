// npm run bench: read and write latency percentiles (Prisma-routed reads, Prisma writes, fallback writes,
// commit-to-visible), with raw pg as a baseline. --json prints the BenchReport instead of tables.
import { Command } from 'commander';
import { loadConfig } from '../src/config';
import { runMain } from '../src/cli/run-main';
import { formatBenchReport } from '../src/bench/format-bench-report';
import { intOption } from '../src/bench/int-option';
import { runBench } from '../src/bench/run-bench';
import { ensureReady } from '../src/cluster/cluster-commands';

const program = new Command('bench')
  .description('Latency percentiles of routed reads, writes and fallback writes')
  .option('--iterations <n>', 'measured calls per path', intOption(1), 2000)
  .option('--concurrency <n>', 'parallel workers per path (pools hold 10)', intOption(1, 64), 1)
  .option('--warmup <n>', 'unmeasured calls per path first', intOption(0), 200)
  .option('--rows <n>', 'rows the table holds (topped up) before measuring', intOption(0), 10_000)
  .option('--fallback-iterations <n>', 'calls of the fallback-write path (a psql process each)', intOption(1), 100)
  .option('--json', 'print the report as JSON')
  .parse();

interface Options {
  iterations: number;
  concurrency: number;
  warmup: number;
  rows: number;
  fallbackIterations: number;
  json?: boolean;
}

runMain(async () => {
  const opts = program.opts<Options>();
  const config = loadConfig();
  const log = opts.json ? () => undefined : (line: string) => console.log(`  ${line}`);
  await ensureReady(config, log);
  const report = await runBench(config, { ...opts, log });
  console.log(opts.json ? JSON.stringify(report, null, 2) : formatBenchReport(report));
});
