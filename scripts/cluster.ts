// npm run cluster:up | cluster:down | cluster:status | cluster:reset | cluster:failover
import { Command } from 'commander';
import { loadConfig } from '../src/config';
import { ensureReady, formatStatus, localClusterFor } from '../src/cluster/cluster-commands';
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
      console.log(formatStatus(await localClusterFor(config).status()));
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
      const rows = await cluster().status();
      console.log(formatStatus(rows));
      if (rows.some((r) => r.role === 'down')) process.exitCode = 1;
    }),
  );
program
  .command('failover')
  .description('stop the primary (immediate), promote a standby, repoint the others')
  .option('--promote <node>', 'standby to promote', 'standby1')
  .action((opts: { promote: string }) =>
    runMain(async () => {
      const c = cluster();
      const { oldPrimary, newPrimary } = await c.failover(opts.promote);
      console.log(`failover done: ${oldPrimary} retired, ${newPrimary} is primary`);
      console.log(formatStatus(await c.status()));
    }),
  );

program.parseAsync(process.argv);
