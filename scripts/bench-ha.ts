// npm run bench:ha: rwsplit over Patroni (patroniTopology) during a REST switchover and a failover (the leader's
// postmaster killed), under a steady write + read-your-writes workload, in asynchronous and in Patroni's synchronous
// replication side by side. Prints, per mode, the steady-state write latency (p50/p99) and the writes lost; per
// leader change, failed writes by error, held writes with their wait, failed reads, the write unavailability beside
// Patroni's own leader-change time, writes lost and outcome-unknown; and the targets as met / NOT met. Writes
// results/bench-ha-<timestamp>/report.{json,html} (and results/bench-ha-latest/). Exits 1 when a target is not met.
import { runMain } from '../src/cli/run-main';
import { benchCommand } from '../src/bench/common/bench-command';
import { reportLocation } from '../src/bench/common/report-location';
import { writeResults } from '../src/bench/common/write-results';
import { formatHaTable } from '../src/bench/ha/format-ha-table';
import { HA_FLAGS } from '../src/bench/ha/ha-flags';
import { haReportData } from '../src/bench/ha/ha-report-data';
import { runHaBench } from '../src/bench/ha/run-ha-bench';

const { resultsDir, ...options } = benchCommand(
  'bench:ha',
  'Write unavailability, failed, held and lost writes, failed reads and write latency through rwsplit during ' +
    'Patroni leader changes, in asynchronous and synchronous replication',
  HA_FLAGS,
).parse();

runMain(async () => {
  const run = await runHaBench({ ...options, log: (line) => console.log(`  ${line}`) });
  console.log(formatHaTable(run.scenarios, run.modes));
  const written = await writeResults(resultsDir, 'bench-ha', haReportData(run), new Date(run.startedAt));
  console.log(reportLocation(written));
  if (run.scenarios.some((s) => s.targets.some((t) => !t.met))) process.exitCode = 1;
});
