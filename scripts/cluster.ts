// npm run cluster:up [-- --pgbouncer [--pgbouncer-ports p0,p1,…]] | cluster:down | cluster:status | cluster:reset |
// cluster:failover
import { Command } from 'commander';
import { loadConfig } from '../src/config';
import { ensureReady, failedOverNotice, formatStatus, localClusterFor } from '../src/cluster/cluster-commands';
import { runFailoverDemo } from '../src/cluster/failover-demo';
import {
  defaultPgBouncerPorts,
  formatPgBouncerStatus,
  formatPgBouncerUrls,
  localPgBouncerStatus,
  parsePgBouncerPorts,
  startLocalPgBouncers,
  stopLocalPgBouncers,
} from '../src/cluster/local-pgbouncers';
import { runMain } from '../src/cli/run-main';

const program = new Command('cluster').description('Manage the local primary + standbys');
const cluster = () => localClusterFor(loadConfig(), (line) => console.log(`  ${line}`));

program
  .command('up')
  .description('create/start the cluster and migrate; returns once standbys stream')
  .option('--pgbouncer', 'also start one PgBouncer per node (transaction pooling, SCRAM); ports: each node port + 1000')
  .option('--pgbouncer-ports <ports>', 'the PgBouncer ports, one per node in order, below 32768 (implies --pgbouncer)')
  .action((opts: { pgbouncer?: boolean; pgbouncerPorts?: string }) =>
    runMain(async () => {
      const config = loadConfig();
      // Checked before anything starts, so a bad list fails at once.
      const ports =
        opts.pgbouncerPorts !== undefined
          ? parsePgBouncerPorts(opts.pgbouncerPorts, config.cluster)
          : opts.pgbouncer
            ? defaultPgBouncerPorts(config.cluster)
            : undefined;
      const result = await ensureReady(config, (line) => console.log(`  ${line}`));
      console.log(`migrations: ${result.applied.length ? result.applied.join(', ') : 'up to date'} (${result.via})`);
      const local = localClusterFor(config);
      console.log(formatStatus(await local.status()));
      const notice = await failedOverNotice(local);
      if (notice) console.log(notice);
      if (ports !== undefined) {
        const instances = await startLocalPgBouncers(local, ports, (line) => console.log(`  ${line}`));
        console.log("PgBouncer (transaction pooling, SCRAM; the local cluster's user and password):");
        console.log(formatPgBouncerUrls(instances));
      }
    }),
  );
program
  .command('down')
  .description("stop every node, and the cluster's PgBouncers")
  .action(() =>
    runMain(async () => {
      const config = loadConfig();
      const log = (line: string) => console.log(`  ${line}`);
      const local = localClusterFor(config, log);
      const bouncers = await stopLocalPgBouncers(local.config, log);
      await local.down();
      console.log(bouncers.length > 0 ? `cluster and ${bouncers.length} PgBouncer(s) stopped` : 'cluster stopped');
    }),
  );
program
  .command('reset')
  .description("stop and delete all data (PgBouncers' files too)")
  .action(() =>
    runMain(async () => {
      const local = cluster();
      await stopLocalPgBouncers(local.config);
      await local.reset();
      console.log('cluster data deleted');
    }),
  );
program
  .command('status')
  .description("each node's role, port, state and lag, and the cluster's PgBouncers when started")
  .action(() =>
    runMain(async () => {
      const local = cluster();
      const rows = await local.status();
      console.log(formatStatus(rows));
      const notice = await failedOverNotice(local);
      if (notice) console.log(notice);
      // PgBouncers are shown, not counted: the exit code still says whether every node is up.
      const bouncers = await localPgBouncerStatus(local.config);
      if (bouncers.length > 0) console.log(formatPgBouncerStatus(bouncers));
      if (rows.some((r) => r.role === 'down')) process.exitCode = 1;
    }),
  );
program
  .command('failover')
  .description(
    'demo: write through a routed client, stop the primary (immediate), promote a standby, repoint the others, ' +
      'and write and read again through the same client',
  )
  .option('--promote <node>', 'standby to promote', 'standby1')
  .action((opts: { promote: string }) =>
    runMain(async () => {
      console.log('Failover demo on the local cluster');
      await runFailoverDemo(loadConfig(), { promote: opts.promote, print: (text) => console.log(text) });
    }),
  );

program.parseAsync(process.argv);
