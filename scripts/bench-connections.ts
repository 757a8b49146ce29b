// npm run bench:connections: the connection budget, measured. For each way (direct, through one PgBouncer per
// node) and each number of application processes, N processes with their own rwsplit (library defaults) run
// eventual reads and read-your-writes sessions against the local cluster while each node's pg_stat_activity (and
// each PgBouncer's SHOW POOLS) is sampled. Prints server connections per node, PgBouncer's client connections,
// health checks/s per replica, position queries/s and read latency, then the per-process figures and their
// extrapolation to 100 processes × (1 primary + 10 replicas). Writes results/bench-connections-<timestamp>/
// report.{json,html} (and results/bench-connections-latest/).
import { loadConfig } from '../src/config';
import { runMain } from '../src/cli/run-main';
import { benchCommand } from '../src/bench/common/bench-command';
import { reportLocation } from '../src/bench/common/report-location';
import { writeResults } from '../src/bench/common/write-results';
import { ensureReady, localClusterFor } from '../src/cluster/cluster-commands';
import { parsePgBouncerPorts } from '../src/cluster/local-pgbouncers';
import { CONNECTIONS_FLAGS } from '../src/bench/connections/connections-flags';
import { connectionsReportData } from '../src/bench/connections/connections-report-data';
import {
  formatConnectionsTable,
  formatExtrapolation,
  formatMeansTable,
} from '../src/bench/connections/format-connections-table';
import { runConnectionsBench } from '../src/bench/connections/run-connections-bench';

const {
  resultsDir,
  pgbouncerPorts: portList,
  ...options
} = benchCommand(
  'bench:connections',
  'Server connections per node, PgBouncer client connections, health-check and position queries per second and ' +
    'read latency for N application processes with their own rwsplit, direct and through PgBouncer',
  CONNECTIONS_FLAGS,
).parse();

runMain(async () => {
  const config = loadConfig();
  const log = (line: string) => console.error(`  ${line}`);
  const pgbouncerPorts =
    portList === undefined ? undefined : parsePgBouncerPorts(portList, localClusterFor(config).config);
  await ensureReady(config, log);
  const run = await runConnectionsBench(config, { ...options, ...(pgbouncerPorts ? { pgbouncerPorts } : {}) }, log);
  const written = await writeResults(
    resultsDir,
    'bench-connections',
    connectionsReportData(run),
    new Date(run.startedAt),
  );
  console.log(formatConnectionsTable(run.configurations));
  console.log(`\n${formatMeansTable(run.configurations)}`);
  console.log(`\n${formatExtrapolation(run)}`);
  console.log(`\n${reportLocation(written)}`);
});
