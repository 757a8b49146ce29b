// npm run bench: every read and write path side by side (bare extension, router, router + metrics, raw pg,
// writes, fallback writes, commit-to-visible) closed-loop, then open-loop at fixed offered rates (--rates), with
// pgbench and raw pg as limit lines; a progress bar, a summary
// table, and report.json + report.html in results/bench-<timestamp>/ (and results/bench-latest/).
// `--scale` runs the scale study instead (consistency check time and commit-to-visible vs rows, commit-to-visible vs write rate).
import { Command } from 'commander';
import { loadConfig } from '../src/config';
import { runMain } from '../src/cli/run-main';
import { benchReportData } from '../src/bench/reads/bench-report-data';
import { formatBenchReport } from '../src/bench/reads/format-bench-report';
import { intOption } from '../src/bench/common/int-option';
import { listOption } from '../src/bench/common/list-option';
import { createProgressBar } from '../src/bench/common/progress-bar';
import { runBench } from '../src/bench/reads/run-bench';
import { type WrittenResults, writeResults } from '../src/bench/common/write-results';
import { formatScaleReport } from '../src/bench/scale/format-scale-report';
import { runScaleStudy } from '../src/bench/scale/run-scale-study';
import { scaleReportData } from '../src/bench/scale/scale-report-data';
import { ensureReady } from '../src/cluster/cluster-commands';

const program = new Command('bench')
  .description('Latency and throughput of every read/write path side by side, with pgbench and raw pg baselines')
  .option('--iterations <n>', 'measured calls per path, over all rounds', intOption(1), 20_000)
  .option('--rounds <n>', 'rounds the paths alternate in', intOption(1), 20)
  .option('--concurrency <n>', 'parallel workers per path (Prisma pools hold 10)', intOption(1, 10), 4)
  .option('--warmup <n>', 'unmeasured calls per path first', intOption(0), 200)
  .option('--rows <n>', 'rows the table holds (topped up in SQL) before measuring', intOption(0), 10_000)
  .option('--fallback-iterations <n>', 'calls of the fallback-write path (a psql process each)', intOption(1), 100)
  .option('--commit-samples <n>', 'commit-to-visible samples', intOption(1), 500)
  .option(
    '--rates <list>',
    'open-loop offered rates (requests/s) for extension-read, router-read, router-write',
    listOption(1),
    [500, 1000, 2000],
  )
  .option('--open-seconds <s>', 'seconds of each open-loop run; 0 skips the open-loop runs', intOption(0, 600), 5)
  .option('--baseline-seconds <s>', 'seconds of each pgbench run; 0 skips pgbench', intOption(0, 3600), 5)
  .option(
    '--memory-samples <n>',
    'processes per client kind in the memory study (plain client, extension, rwsplit); 0 skips it',
    intOption(0, 20),
    3,
  )
  .option(
    '--scale',
    'run the scale study instead: consistency check and commit-to-visible vs rows, commit-to-visible vs write rate',
  )
  .option('--scale-rows <list>', 'scale study: table sizes', listOption(1), [10_000, 100_000, 1_000_000])
  .option('--scale-rates <list>', 'scale study: background writes per second', listOption(1), [100, 1000, 5000])
  .option('--rate-seconds <s>', 'scale study: seconds at each write rate', intOption(1, 600), 5)
  .option('--keep', 'keep the rows the run wrote (default: deleted at the end; the bench keeps its --rows seed)')
  .option('--out <dir>', 'results folder (default <project>/results)')
  .option('--quiet', 'no progress bar or progress lines')
  .option('--json', 'print the report as JSON instead of tables')
  .parse();

interface Options {
  iterations: number;
  rounds: number;
  concurrency: number;
  warmup: number;
  rows: number;
  fallbackIterations: number;
  commitSamples: number;
  baselineSeconds: number;
  memorySamples: number;
  rates: number[];
  openSeconds: number;
  scale?: boolean;
  scaleRows: number[];
  scaleRates: number[];
  rateSeconds: number;
  keep?: boolean;
  out: string | undefined;
  quiet?: boolean;
  json?: boolean;
}

runMain(async () => {
  const opts = program.opts<Options>();
  const config = loadConfig();
  const bar = createProgressBar({ enabled: !opts.quiet && Boolean(process.stderr.isTTY), logLines: !opts.quiet });
  const log = (line: string) => bar.log(`  ${line}`);
  await ensureReady(config, log);
  let text: string;
  let json: unknown;
  let written: WrittenResults;
  try {
    if (opts.scale) {
      const report = await runScaleStudy(config, {
        rows: opts.scaleRows,
        rates: opts.scaleRates,
        rateSeconds: opts.rateSeconds,
        keep: Boolean(opts.keep),
        log,
        onProgress: bar.listener,
      });
      written = await writeResults(opts.out, 'bench-scale', scaleReportData(report));
      [text, json] = [formatScaleReport(report), report];
    } else {
      const report = await runBench(config, {
        iterations: opts.iterations,
        rounds: opts.rounds,
        concurrency: opts.concurrency,
        warmup: opts.warmup,
        rows: opts.rows,
        fallbackIterations: opts.fallbackIterations,
        commitToVisibleSamples: opts.commitSamples,
        baselineSeconds: opts.baselineSeconds,
        memorySamples: opts.memorySamples,
        rates: opts.rates,
        openLoopSeconds: opts.openSeconds,
        keep: Boolean(opts.keep),
        log,
        onProgress: bar.listener,
      });
      written = await writeResults(opts.out, 'bench', benchReportData(report));
      [text, json] = [formatBenchReport(report), report];
    }
  } finally {
    bar.stop();
  }
  console.log(opts.json ? JSON.stringify(json, null, 2) : text);
  // With --json, stdout stays pure JSON: the report's path goes to stderr.
  const where = `Report: ${written.run.htmlPath}\n        (also ${written.latest.htmlPath})`;
  if (opts.json) console.error(where);
  else console.log(`\n${where}`);
});
