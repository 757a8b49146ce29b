// npm run bench:ha: rwsplit over Patroni (patroniTopology) during a REST switchover and a failover (the leader's
// postmaster killed), under a steady write + read-your-writes workload, in asynchronous and in Patroni's synchronous
// replication side by side. Prints, per mode, the steady-state write latency (p50/p99) and the writes lost; per
// leader change, failed writes by error, held writes with their wait, failed reads, the write unavailability beside
// Patroni's own leader-change time, writes lost and outcome-unknown; and the targets as met / NOT met. Writes
// results/<timestamp>/bench-ha.json. Exits 1 when a target is not met.
import { Command, InvalidArgumentError } from 'commander';
import { runMain } from '../src/cli/run-main';
import { intOption } from '../src/bench/common/int-option';
import { formatHaTable } from '../src/bench/ha/format-ha-table';
import {
  DEFAULT_REPLICATION_MODES,
  isReplicationMode,
  REPLICATION_MODES,
  type ReplicationMode,
} from '../src/bench/ha/replication-mode';
import { LEADER_CHANGE_KINDS, type LeaderChangeKind } from '../src/bench/ha/run-leader-change';
import { runHaBench } from '../src/bench/ha/run-ha-bench';
import { writeHaResults } from '../src/bench/ha/write-ha-results';

function scenarioList(value: string): LeaderChangeKind[] {
  const items = value.split(',').map((s) => s.trim());
  const bad = items.find((i) => !(LEADER_CHANGE_KINDS as readonly string[]).includes(i));
  if (bad !== undefined) throw new InvalidArgumentError(`"${bad}" is not one of ${LEADER_CHANGE_KINDS.join(', ')}.`);
  return items as LeaderChangeKind[];
}

function modeList(value: string): ReplicationMode[] {
  const items = value.split(',').map((s) => s.trim());
  const bad = items.find((i) => !isReplicationMode(i));
  if (bad !== undefined) throw new InvalidArgumentError(`"${bad}" is not one of ${REPLICATION_MODES.join(', ')}.`);
  const modes = items.filter(isReplicationMode);
  if (new Set(modes).size !== modes.length) throw new InvalidArgumentError(`"${value}" names a mode twice.`);
  return modes;
}

const program = new Command('bench:ha')
  .description(
    'Write unavailability, failed, held and lost writes, failed reads and write latency through rwsplit during ' +
      'Patroni leader changes, in asynchronous and synchronous replication',
  )
  .option(
    '--modes <list>',
    `replication modes, in order (${REPLICATION_MODES.join(', ')}: asynchronous, Patroni's synchronous_mode, ` +
      'and synchronous_mode_strict)',
    modeList,
    [...DEFAULT_REPLICATION_MODES],
  )
  .option('--scenarios <list>', `leader changes, in order (${LEADER_CHANGE_KINDS.join(', ')})`, scenarioList, [
    ...LEADER_CHANGE_KINDS,
  ])
  .option('--workers <n>', 'workload workers (each: write, then read it back)', intOption(1, 64), 4)
  .option(
    '--latency-rounds <n>',
    'rounds in which the modes take turns, before the leader changes, to measure write latency (0: use the ' +
      "leader changes' warm-ups)",
    intOption(0, 100),
    3,
  )
  .option('--latency-window-ms <n>', "one mode's turn in a latency round", intOption(100), 2000)
  .option('--warmup-ms <n>', 'workload before each leader change', intOption(0), 2000)
  .option('--settle-ms <n>', 'workload after writes resumed', intOption(0), 2000)
  .option('--refresh-interval-ms <n>', "the router's Patroni /cluster refresh interval", intOption(1), 500)
  .option('--results-dir <dir>', 'where results/<timestamp>/bench-ha.json goes (default <project>/results)')
  .action(
    (opts: {
      modes: ReplicationMode[];
      scenarios: LeaderChangeKind[];
      workers: number;
      latencyRounds: number;
      latencyWindowMs: number;
      warmupMs: number;
      settleMs: number;
      refreshIntervalMs: number;
      resultsDir?: string;
    }) =>
      runMain(async () => {
        const run = await runHaBench({
          modes: opts.modes,
          scenarios: opts.scenarios,
          workers: opts.workers,
          latencyRounds: opts.latencyRounds,
          latencyWindowMs: opts.latencyWindowMs,
          warmupMs: opts.warmupMs,
          settleMs: opts.settleMs,
          refreshIntervalMs: opts.refreshIntervalMs,
          log: (line) => console.log(`  ${line}`),
        });
        console.log(formatHaTable(run.scenarios, run.modes));
        const file = await writeHaResults(opts.resultsDir, run);
        console.log(`results: ${file}`);
        if (run.scenarios.some((s) => s.targets.some((t) => !t.met))) process.exitCode = 1;
      }),
  );

program.parse();
