// npm run bench:consistency: write→read pairs per consistency mode under injected standby lag (or a fault: one
// standby frozen, the other killed; or one standby paused and the other streaming) and a background write load,
// then the pair's SQL through pgbench and raw pg as baselines; each pair's session reads its row --session-reads
// times. Prints the stale-read and non-monotonic-session table with the ratios to the baselines, the routing
// queries per read, the read-your-writes ratios, what monotonic reads cost (eventual ÷ eventual-plain) and the
// reads during the fault, writes results/bench-consistency-<timestamp>/report.*.
// Ctrl-C stops starting pairs and restores the cluster (replay resumed, settings reset, a frozen standby thawed,
// a killed one started) before exiting.
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../src/config';
import { runMain } from '../src/cli/run-main';
import { intOption } from '../src/bench/common/int-option';
import { ensureReady } from '../src/cluster/cluster-commands';
import {
  BENCH_MODES,
  type BenchMode,
  DEFAULT_MODES,
  DEFAULTS,
  LAG_KINDS,
} from '../src/bench/consistency/bench-options';
import { FAULT_DEFAULTS } from '../src/bench/consistency/fault-spec';
import { writeConsistencyReport } from '../src/bench/consistency/consistency-report';
import { formatConsistencyMarkdown, formatConsistencyTable } from '../src/bench/consistency/format-consistency-table';
import type { LagKind } from '../src/bench/consistency/lag-injection';
import { createProgressBar } from '../src/bench/common/progress-bar';
import { runConsistencyBench } from '../src/bench/consistency/run-consistency-bench';

const listOf =
  <T extends string>(allowed: readonly T[]) =>
  (value: string): T[] => {
    const items = value.split(',').map((s) => s.trim());
    const bad = items.find((i) => !(allowed as readonly string[]).includes(i));
    if (bad !== undefined) throw new InvalidArgumentError(`"${bad}" is not one of ${allowed.join(', ')}.`);
    return items as T[];
  };

const program = new Command('bench:consistency')
  .description('Stale reads, replica share and read latency per consistency mode, with injected standby lag')
  .option('--pairs <n>', 'write→read pairs per mode and scenario', intOption(1), DEFAULTS.pairs)
  .option('--large', `${DEFAULTS.largePairs} pairs per mode and scenario`)
  .option('--concurrency <n>', 'pairs in flight at once', intOption(1, 256), DEFAULTS.concurrency)
  .option(
    '--modes <list>',
    `modes, comma-separated (${BENCH_MODES.join(', ')}); default ${DEFAULT_MODES.join(',')}`,
    listOf(BENCH_MODES),
  )
  .option('--scenarios <list>', `scenarios (${LAG_KINDS.join(', ')}); default none,pause`, listOf(LAG_KINDS))
  .option(
    '--session-reads <n>',
    "reads of the row per pair's session, the read-back included (1: the read-back only)",
    intOption(1),
    DEFAULTS.sessionReads,
  )
  .option('--pause-ms <n>', 'pause scenario: replay paused this long…', intOption(1), DEFAULTS.pauseMs)
  .option('--period-ms <n>', '…of every period this long', intOption(2), DEFAULTS.periodMs)
  .option('--delay-ms <n>', 'delay scenario: recovery_min_apply_delay', intOption(1), DEFAULTS.delayMs)
  .option(
    '--freeze-at-ms <n>',
    "fault scenario, from the start of each mode's run: the first standby frozen (SIGSTOP) at…",
    intOption(0),
    FAULT_DEFAULTS.freezeAtMs,
  )
  .option('--kill-at-ms <n>', '…the second standby killed at…', intOption(0), FAULT_DEFAULTS.killAtMs)
  .option(
    '--restore-at-ms <n>',
    '…both restored at (each mode runs until then, and at least --pairs pairs)',
    intOption(1),
    FAULT_DEFAULTS.restoreAtMs,
  )
  .option(
    '--replica-read-timeout-ms <n>',
    "fault scenario: the router's replicaReadTimeoutMs",
    intOption(1),
    FAULT_DEFAULTS.replicaReadTimeoutMs,
  )
  .option(
    '--fault-check-timeout-ms <n>',
    "fault scenario: the router's checkTimeoutMs (checks eject the frozen standby)",
    intOption(1),
    FAULT_DEFAULTS.checkTimeoutMs,
  )
  .option(
    '--fault-connect-timeout-ms <n>',
    "fault scenario: the router's connectTimeoutMs (default: WRITER_CONNECT_TIMEOUT_MS's, 3000)",
    intOption(1),
  )
  .option(
    '--write-rate <n>',
    'background inserts per second on the primary (0: none)',
    intOption(0),
    DEFAULTS.writeRate,
  )
  .option('--sample-ms <n>', 'lag sample interval', intOption(10), DEFAULTS.sampleEveryMs)
  .option(
    '--baseline-seconds <n>',
    'seconds of each pgbench baseline run (read by id, insert; 0: no pgbench)',
    intOption(0),
    DEFAULTS.baselineSeconds,
  )
  .option(
    '--baseline-ops <n>',
    'queries of each raw pg baseline run (read by id, insert; 0: no raw pg)',
    intOption(0),
    DEFAULTS.baselineOps,
  )
  .option('--pgbench <path>', 'the pgbench executable (default: on PATH, else /usr/lib/postgresql/<v>/bin)')
  .option('--no-inject', 'inject no lag (no superuser needed; for servers this project does not manage)')
  .option('--keep', 'keep the rows the run wrote (default: deleted at the end)')
  .option('--out <dir>', 'results folder (default <project>/results)')
  .option('--markdown', 'also print the table as Markdown')
  .option('--quiet', 'no progress bar or progress lines')
  .parse();

interface Options {
  pairs: number;
  large?: boolean;
  concurrency: number;
  sessionReads: number;
  modes?: BenchMode[];
  scenarios?: LagKind[];
  pauseMs: number;
  periodMs: number;
  delayMs: number;
  freezeAtMs: number;
  killAtMs: number;
  restoreAtMs: number;
  replicaReadTimeoutMs: number;
  faultCheckTimeoutMs: number;
  faultConnectTimeoutMs?: number;
  writeRate: number;
  sampleMs: number;
  baselineSeconds: number;
  baselineOps: number;
  pgbench?: string;
  inject: boolean;
  keep?: boolean;
  out?: string;
  markdown?: boolean;
  quiet?: boolean;
}

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
  const opts = program.opts<Options>();
  const config = loadConfig();
  const print = opts.quiet ? () => undefined : (line: string) => console.error(`  ${line}`);
  const progress = createProgressBar({ enabled: !opts.quiet && Boolean(process.stderr.isTTY), logLines: !opts.quiet });
  const controller = new AbortController();
  interruptOnSignals(controller, (line) => console.error(line));
  await ensureReady(config, print);
  let result;
  try {
    result = await runConsistencyBench(
      config,
      {
        pairs: opts.large ? DEFAULTS.largePairs : opts.pairs,
        concurrency: opts.concurrency,
        sessionReads: opts.sessionReads,
        modes: opts.modes,
        scenarios: opts.scenarios,
        pauseMs: opts.pauseMs,
        periodMs: opts.periodMs,
        delayMs: opts.delayMs,
        freezeAtMs: opts.freezeAtMs,
        killAtMs: opts.killAtMs,
        restoreAtMs: opts.restoreAtMs,
        replicaReadTimeoutMs: opts.replicaReadTimeoutMs,
        faultCheckTimeoutMs: opts.faultCheckTimeoutMs,
        ...(opts.faultConnectTimeoutMs === undefined ? {} : { faultConnectTimeoutMs: opts.faultConnectTimeoutMs }),
        writeRate: opts.writeRate,
        sampleEveryMs: opts.sampleMs,
        baselineSeconds: opts.baselineSeconds,
        baselineOps: opts.baselineOps,
        ...(opts.pgbench ? { pgbench: opts.pgbench } : {}),
        inject: opts.inject,
        keep: opts.keep ?? false,
      },
      {
        log: (line) => progress.log(line),
        onProgress: (done, total, phase) => progress.listener({ done, total, phase }),
        signal: controller.signal,
      },
    );
  } finally {
    progress.stop();
  }
  const written = await writeConsistencyReport(result, opts.out);
  console.log(formatConsistencyTable(result));
  if (opts.markdown) console.log(`\n${formatConsistencyMarkdown(result)}`);
  console.log(`\nreport: ${written.dir}/report.html (also ${written.latestDir})`);
  if (result.aborted) process.exitCode = 130;
  else if (result.targets.some((t) => !t.met)) {
    console.error('A target was NOT met (✗ above).');
    process.exitCode = 1;
  }
});
