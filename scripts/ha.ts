// npm run ha:up | ha:down | ha:status | ha:switchover | ha:failover — the local HA cluster (etcd + 3 Patroni members
// on PostgreSQL 15), on its own ports and folder, beside the embedded cluster.
import { Command } from 'commander';
import { runMain } from '../src/cli/run-main';
import { haConfig } from '../src/ha/ha-config';
import { clusterState, killLeader, restUrlsOf, startHaCluster, stopHaCluster, switchover } from '../src/ha/ha-cluster';
import { clusterHealth, formatHaStatus } from '../src/ha/ha-status';
import { maskUrl } from '../src/config';

const log = (line: string) => console.log(`  ${line}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const program = new Command('ha').description('Manage the local HA cluster (etcd + Patroni, PostgreSQL 15)');

program
  .command('up')
  .description(
    'start etcd and the Patroni members (or reuse them); returns once there is a leader and streaming replicas',
  )
  .action(() =>
    runMain(async () => {
      const cluster = await startHaCluster({ log });
      console.log(formatHaStatus(await clusterState(cluster.restUrls)));
      console.log(`${cluster.reused ? 'reused the running cluster' : 'cluster up'} in ${seconds(cluster.startupMs)}`);
      console.log(`leader URL: ${maskUrl(cluster.databaseUrl)} (password in src/ha/ha-config.ts)`);
    }),
  );

program
  .command('down')
  .description('stop the members (replicas first) and etcd')
  .action(() =>
    runMain(async () => {
      await stopHaCluster({ log });
      console.log('HA cluster stopped');
    }),
  );

program
  .command('status')
  .description("each member's role, state, timeline, lag and address from Patroni's /cluster; exit 1 unless healthy")
  .action(() =>
    runMain(async () => {
      const cfg = haConfig();
      const urls = await restUrlsOf(cfg);
      const cluster = await clusterState(urls).catch((cause: unknown) => {
        throw new Error('No HA member answers its REST API: the HA cluster is not running (`npm run ha:up`).', {
          cause,
        });
      });
      console.log(formatHaStatus(cluster));
      const health = clusterHealth(cluster, urls.length);
      console.log(health.summary);
      if (!health.healthy) process.exitCode = 1;
    }),
  );

program
  .command('switchover')
  .description('REST switchover to a replica; waits until the new leader accepts writes and the old one streams')
  .option('--to <member>', 'the replica to promote (default: any healthy one)')
  .action((opts: { to?: string }) =>
    runMain(async () => {
      const change = await switchover({ candidate: opts.to });
      console.log(`switchover ${change.from} -> ${change.to}: writable after ${seconds(change.writableMs)}`);
      if (change.rejoinedMs !== undefined)
        console.log(
          `${change.from} and the other replicas stream from ${change.to} after ${seconds(change.rejoinedMs)}`,
        );
      console.log(formatHaStatus(await clusterState(await restUrlsOf(haConfig()))));
    }),
  );

program
  .command('failover')
  .description("kill the leader's postmaster (SIGKILL); waits until another member leads and accepts writes")
  .action(() =>
    runMain(async () => {
      const change = await killLeader();
      console.log(`failover ${change.from} -> ${change.to}: writable after ${seconds(change.writableMs)}`);
      if (change.rejoinedMs !== undefined)
        console.log(
          `${change.from} and the other replicas stream from ${change.to} after ${seconds(change.rejoinedMs)}`,
        );
      console.log(formatHaStatus(await clusterState(await restUrlsOf(haConfig()))));
    }),
  );

program.parseAsync(process.argv);
