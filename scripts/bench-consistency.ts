// npm run bench:consistency: write→read pairs per consistency mode under injected standby lag (or a fault: one
// standby frozen, the other killed; or one standby paused and the other streaming) and a background write load,
// then the pair's SQL through pgbench and raw pg as baselines; each pair's session reads its row --session-reads
// times. Prints the stale-read and non-monotonic-session table with the ratios to the baselines, the routing
// queries per read, the read-your-writes ratios, what monotonic reads cost (eventual ÷ eventual-plain) and the
// reads during the fault, writes results/bench-consistency-<timestamp>/report.{json,html} (and -latest).
// Ctrl-C stops starting pairs and restores the cluster (replay resumed, settings reset, a frozen standby thawed,
// a killed one started) before exiting.
import { loadConfig } from '../src/config';
import { runMain } from '../src/cli/run-main';
import { benchCommand } from '../src/bench/common/bench-command';
import { createProgressBar } from '../src/bench/common/progress-bar';
import { reportLocation } from '../src/bench/common/report-location';
import { ensureReady } from '../src/cluster/cluster-commands';
import { DEFAULTS } from '../src/bench/consistency/bench-options';
import { CONSISTENCY_FLAGS } from '../src/bench/consistency/consistency-flags';
import { writeConsistencyReport } from '../src/bench/consistency/consistency-report';
import { formatConsistencyMarkdown, formatConsistencyTable } from '../src/bench/consistency/format-consistency-table';
import { runConsistencyBench } from '../src/bench/consistency/run-consistency-bench';

const { large, sampleMs, out, markdown, quiet, ...options } = benchCommand(
  'bench:consistency',
  'Stale reads, replica share and read latency per consistency mode, with injected standby lag',
  CONSISTENCY_FLAGS,
).parse();

/**
 * First Ctrl-C: stop starting pairs and restore (a fault is undone at once). Second: say it is restoring. Third:
 * leave now (a frozen standby is still thawed on exit; the next run starts what is left stopped).
 */
function interruptOnSignals(controller: AbortController, log: (line: string) => void): void {
  let count = 0;
  const onSignal = () => {
    count++;
    if (count === 1) {
      controller.abort();
      log('interrupted: finishing the pairs in flight, then restoring the cluster (Ctrl-C twice more to quit now)');
    } else if (count === 2) {
      log('still restoring the cluster; Ctrl-C once more quits now (the next run restores what is left)');
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

runMain(async () => {
  const config = loadConfig();
  const print = quiet ? () => undefined : (line: string) => console.error(`  ${line}`);
  const progress = createProgressBar({ enabled: !quiet && Boolean(process.stderr.isTTY), logLines: !quiet });
  const controller = new AbortController();
  interruptOnSignals(controller, (line) => console.error(line));
  await ensureReady(config, print);
  let result;
  try {
    result = await runConsistencyBench(
      config,
      { ...options, pairs: large ? DEFAULTS.largePairs : options.pairs, sampleEveryMs: sampleMs },
      {
        log: (line) => progress.log(line),
        onProgress: (done, total, phase) => progress.listener({ done, total, phase }),
        signal: controller.signal,
      },
    );
  } finally {
    progress.stop();
  }
  const written = await writeConsistencyReport(result, out);
  console.log(formatConsistencyTable(result));
  if (markdown) console.log(`\n${formatConsistencyMarkdown(result)}`);
  console.log(`\n${reportLocation(written)}`);
  if (result.aborted) process.exitCode = 130;
  else if (result.targets.some((t) => !t.met)) {
    console.error('A target was NOT met (✗ above).');
    process.exitCode = 1;
  }
});
