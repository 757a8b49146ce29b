// npm run cluster:up | cluster:down | cluster:status | cluster:reset | cluster:failover
import { Command } from 'commander';
import { loadConfig } from '../src/config';
import { ensureReady, failedOverNotice, formatStatus, localClusterFor } from '../src/cluster/cluster-commands';
import { runFailoverDemo } from '../src/cluster/failover-demo';
import { runMain } from '../src/cli/run-main';

const program = new Command('cluster').description('Manage the local primary + standbys');
const cluster = () => localClusterFor(loadConfig(), (line) => console.log(`  ${line}`));

program
  .command('up')
  .description('create/start the cluster and migrate; returns once standbys stream')
  .action(() =>
    runMain(async () => {
      const config = loadConfig();
      const result = await ensureReady(config, (line) => console.log(`  ${line}`));
      console.log(`migrations: ${result.applied.length ? result.applied.join(', ') : 'up to date'} (${result.via})`);
      const local = localClusterFor(config);
      console.log(formatStatus(await local.status()));
      const notice = await failedOverNotice(local);
      if (notice) console.log(notice);
    }),
  );
program
  .command('down')
  .description('stop every node')
  .action(() =>
    runMain(async () => {
      await cluster().down();
      console.log('cluster stopped');
    }),
  );
program
  .command('reset')
  .description('stop and delete all data')
  .action(() =>
    runMain(async () => {
      await cluster().reset();
      console.log('cluster data deleted');
    }),
  );
program
  .command('status')
  .description("each node's role, port, state and lag")
  .action(() =>
    runMain(async () => {
      const local = cluster();
      const rows = await local.status();
      console.log(formatStatus(rows));
      const notice = await failedOverNotice(local);
      if (notice) console.log(notice);
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
