// npm run bench:ha: rwsplit over Patroni (patroniTopology) during a REST switchover and a failover (the leader's
// postmaster killed), under a steady write + read-your-writes workload. Prints, per leader change, the write
// unavailability beside Patroni's own leader-change time, reads failed, writes lost and outcome-unknown, and the
// targets as met / NOT met; writes results/<timestamp>/bench-ha.json. Exits 1 when a target is not met.
import { Command, InvalidArgumentError } from 'commander';
import { runMain } from '../src/cli/run-main';
import { intOption } from '../src/bench/int-option';
import { formatHaTable } from '../src/bench-ha/format-ha-table';
import { LEADER_CHANGE_KINDS, type LeaderChangeKind } from '../src/bench-ha/run-leader-change';
import { runHaBench } from '../src/bench-ha/run-ha-bench';
import { writeHaResults } from '../src/bench-ha/write-ha-results';

function scenarioList(value: string): LeaderChangeKind[] {
  const items = value.split(',').map((s) => s.trim());
  const bad = items.find((i) => !(LEADER_CHANGE_KINDS as readonly string[]).includes(i));
  if (bad !== undefined) throw new InvalidArgumentError(`"${bad}" is not one of ${LEADER_CHANGE_KINDS.join(', ')}.`);
  return items as LeaderChangeKind[];
}

const program = new Command('bench:ha')
  .description('Write unavailability, failed reads and lost writes through rwsplit during Patroni leader changes')
  .option('--scenarios <list>', `leader changes, in order (${LEADER_CHANGE_KINDS.join(', ')})`, scenarioList, [
    ...LEADER_CHANGE_KINDS,
  ])
  .option('--workers <n>', 'workload workers (each: write, then read it back)', intOption(1, 64), 4)
  .option('--warmup-ms <n>', 'workload before each leader change', intOption(0), 2000)
  .option('--settle-ms <n>', 'workload after writes resumed', intOption(0), 2000)
  .option('--refresh-interval-ms <n>', "the router's Patroni /cluster refresh interval", intOption(1), 500)
  .option('--results-dir <dir>', 'where results/<timestamp>/bench-ha.json goes (default <project>/results)')
  .action(
    (opts: {
      scenarios: LeaderChangeKind[];
      workers: number;
      warmupMs: number;
      settleMs: number;
      refreshIntervalMs: number;
      resultsDir?: string;
    }) =>
      runMain(async () => {
        const run = await runHaBench({
          scenarios: opts.scenarios,
          workers: opts.workers,
          warmupMs: opts.warmupMs,
          settleMs: opts.settleMs,
          refreshIntervalMs: opts.refreshIntervalMs,
          log: (line) => console.log(`  ${line}`),
        });
        console.log(formatHaTable(run.scenarios));
        const file = await writeHaResults(opts.resultsDir, run);
        console.log(`results: ${file}`);
        if (run.scenarios.some((s) => s.targets.some((t) => !t.met))) process.exitCode = 1;
      }),
  );

program.parse();
