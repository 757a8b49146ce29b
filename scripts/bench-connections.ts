// npm run bench:connections: the connection budget, measured. For each way (direct, through one PgBouncer per
// node) and each number of application processes, N processes with their own rwsplit (library defaults) run
// eventual reads and read-your-writes sessions against the local cluster while each node's pg_stat_activity (and
// each PgBouncer's SHOW POOLS) is sampled. Prints server connections per node, PgBouncer's client connections,
// health checks/s per replica, position queries/s and read latency, then the per-process figures and their
// extrapolation to 100 processes × (1 primary + 10 replicas). Writes results/<timestamp>/bench-connections.json.
import { Command } from 'commander';
import { loadConfig } from '../src/config';
import { runMain } from '../src/cli/run-main';
import { intOption } from '../src/bench/common/int-option';
import { listOption } from '../src/bench/common/list-option';
import { ensureReady, localClusterFor } from '../src/cluster/cluster-commands';
import { parsePgBouncerPorts } from '../src/cluster/local-pgbouncers';
import {
  BENCH_CONNECTIONS_DEFAULTS as DEFAULTS,
  PGBOUNCER_BENCH_PORT_OFFSET,
} from '../src/bench/connections/bench-connections-options';
import {
  formatConnectionsTable,
  formatExtrapolation,
  formatMeansTable,
} from '../src/bench/connections/format-connections-table';
import { runConnectionsBench } from '../src/bench/connections/run-connections-bench';
import { type Via, VIAS, viaOption } from '../src/bench/connections/via-option';
import { writeConnectionsResults } from '../src/bench/connections/write-connections-results';

const program = new Command('bench:connections')
  .description(
    'Server connections per node, PgBouncer client connections, health-check and position queries per second and ' +
      'read latency for N application processes with their own rwsplit, direct and through PgBouncer',
  )
  .option('--via <list>', `ways to reach the nodes, in order (${VIAS.join(', ')})`, viaOption, [...DEFAULTS.via])
  .option('--processes <list>', 'application processes per configuration, in order', listOption(1, 64), [
    ...DEFAULTS.processes,
  ])
  .option('--seconds <n>', 'load per configuration, once its processes are ready', intOption(1, 600), DEFAULTS.seconds)
  .option('--concurrency <n>', 'eventual reads in flight per process', intOption(1, 64), DEFAULTS.concurrency)
  .option(
    '--session-every-ms <n>',
    'a read-your-writes session (create, then read) per process this often',
    intOption(1),
    DEFAULTS.sessionEveryMs,
  )
  .option(
    '--warmup-seconds <n>',
    'the same load, uncounted, in each process before the configuration starts',
    intOption(0, 600),
    DEFAULTS.warmupSeconds,
  )
  .option('--sample-ms <n>', 'how often connections are sampled while the load runs', intOption(100), DEFAULTS.sampleMs)
  .option(
    '--pgbouncer-ports <list>',
    `the bench's PgBouncers' ports, one per node (default each node's port + ${PGBOUNCER_BENCH_PORT_OFFSET})`,
  )
  .option('--results-dir <dir>', 'where results/<timestamp>/bench-connections.json goes (default <project>/results)')
  .parse();

interface Options {
  via: Via[];
  processes: number[];
  seconds: number;
  concurrency: number;
  sessionEveryMs: number;
  warmupSeconds: number;
  sampleMs: number;
  pgbouncerPorts?: string;
  resultsDir?: string;
}

runMain(async () => {
  const opts = program.opts<Options>();
  const config = loadConfig();
  const log = (line: string) => console.error(`  ${line}`);
  const pgbouncerPorts =
    opts.pgbouncerPorts === undefined
      ? undefined
      : parsePgBouncerPorts(opts.pgbouncerPorts, localClusterFor(config).config);
  await ensureReady(config, log);
  const run = await runConnectionsBench(
    config,
    {
      via: opts.via,
      processes: opts.processes,
      seconds: opts.seconds,
      concurrency: opts.concurrency,
      sessionEveryMs: opts.sessionEveryMs,
      warmupSeconds: opts.warmupSeconds,
      sampleMs: opts.sampleMs,
      ...(pgbouncerPorts ? { pgbouncerPorts } : {}),
    },
    log,
  );
  const file = await writeConnectionsResults(opts.resultsDir, run);
  console.log(formatConnectionsTable(run.configurations));
  console.log(`\n${formatMeansTable(run.configurations)}`);
  console.log(`\n${formatExtrapolation(run)}`);
  console.log(`\nresults: ${file}`);
});
