// npm run bench: every read and write path side by side (bare extension, router, router + metrics, raw pg,
// writes, fallback writes, commit-to-visible) closed-loop, then open-loop at fixed offered rates (--rates), with
// pgbench and raw pg as limit lines; a progress bar, a summary
// table, and report.json + report.html in results/bench-<timestamp>/ (and results/bench-latest/).
// `--scale` runs the scale study instead (consistency check time and commit-to-visible vs rows, commit-to-visible vs write rate).
import { loadConfig } from '../src/config';
import { runMain } from '../src/cli/run-main';
import { benchCommand } from '../src/bench/common/bench-command';
import { createProgressBar } from '../src/bench/common/progress-bar';
import { reportLocation } from '../src/bench/common/report-location';
import { resultsDirOption } from '../src/bench/common/results-dir-option';
import { switchOption } from '../src/bench/common/switch-option';
import { type WrittenResults, writeResults } from '../src/bench/common/write-results';
import { benchReportData } from '../src/bench/reads/bench-report-data';
import { formatBenchReport } from '../src/bench/reads/format-bench-report';
import { READS_FLAGS } from '../src/bench/reads/reads-flags';
import { runBench } from '../src/bench/reads/run-bench';
import { formatScaleReport } from '../src/bench/scale/format-scale-report';
import { runScaleStudy } from '../src/bench/scale/run-scale-study';
import { SCALE_FLAGS } from '../src/bench/scale/scale-flags';
import { scaleReportData } from '../src/bench/scale/scale-report-data';
import { ensureReady } from '../src/cluster/cluster-commands';

const opts = benchCommand(
  'bench',
  'Latency and throughput of every read/write path side by side, with pgbench and raw pg baselines',
  {
    ...READS_FLAGS,
    ...SCALE_FLAGS,
    keep: switchOption(
      '--keep',
      'keep the rows the run wrote (default: deleted at the end; the bench keeps its --rows seed)',
    ),
    out: resultsDirOption('--out <dir>'),
    quiet: switchOption('--quiet', 'no progress bar or progress lines'),
    json: switchOption('--json', 'print the report as JSON instead of tables'),
  },
).parse();

runMain(async () => {
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
        keep: opts.keep,
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
        keep: opts.keep,
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
  const where = reportLocation(written);
  if (opts.json) console.error(where);
  else console.log(`\n${where}`);
});
