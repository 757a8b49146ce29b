// npm run ha:up | ha:down | ha:status | ha:switchover | ha:failover | ha:synchronous — the local HA cluster (etcd + 3
// Patroni members on PostgreSQL 15), on its own ports and folder, beside the embedded cluster.
import { Argument, Command, Option } from 'commander';
import { runMain } from '../src/cli/run-main';
import { haConfig } from '../src/ha/ha-config';
import {
  clusterState,
  killLeader,
  restUrlsOf,
  setSynchronousMode,
  startHaCluster,
  stopHaCluster,
  switchover,
  synchronousState,
} from '../src/ha/ha-cluster';
import { clusterHealth, formatHaStatus } from '../src/ha/ha-status';
import { SYNCHRONOUS_MODES, type SynchronousMode, type SynchronousState } from '../src/ha/synchronous-mode';
import { maskUrl } from '../src/config';

const log = (line: string) => console.log(`  ${line}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function describeSynchronous(state: SynchronousState): string {
  if (state.mode === 'off') return 'synchronous mode: off (asynchronous replication)';
  const standby = state.syncStandby ? `sync standby ${state.syncStandby}` : 'no sync standby at the moment';
  return `synchronous mode: ${state.mode === 'strict' ? 'strict' : 'on'}, ${standby}`;
}

const synchronousModes = [...SYNCHRONOUS_MODES];

const program = new Command('ha').description('Manage the local HA cluster (etcd + Patroni, PostgreSQL 15)');

program
  .command('up')
  .description(
    'start etcd and the Patroni members (or reuse them); returns once there is a leader and streaming replicas',
  )
  .addOption(
    new Option(
      '--synchronous [mode]',
      "Patroni's synchronous replication: on (zero-loss failover; also with the bare flag), strict (writes wait " +
        'when no replica can be the sync standby) or off; without the flag the mode stays as the cluster has it',
    )
      .choices(synchronousModes)
      .preset('on'),
  )
  .action((opts: { synchronous?: SynchronousMode }) =>
    runMain(async () => {
      const cluster = await startHaCluster({ log, synchronous: opts.synchronous });
      console.log(formatHaStatus(await clusterState(cluster.restUrls)));
      console.log(describeSynchronous(cluster.synchronous));
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
      console.log(describeSynchronous(await synchronousState()));
      const health = clusterHealth(cluster, urls.length);
      console.log(health.summary);
      if (!health.healthy) process.exitCode = 1;
    }),
  );

program
  .command('switchover')
  .description(
    'REST switchover to a replica (in synchronous mode: the sync standby, as Patroni requires); waits until the new ' +
      'leader accepts writes and the old one streams',
  )
  .option('--to <member>', 'the replica to promote (default: any healthy one; in synchronous mode the sync standby)')
  .action((opts: { to?: string }) =>
    runMain(async () => {
      const change = await switchover({ candidate: opts.to, log: console.log });
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
      const change = await killLeader({ log: console.log });
      console.log(`failover ${change.from} -> ${change.to}: writable after ${seconds(change.writableMs)}`);
      if (change.rejoinedMs !== undefined)
        console.log(
          `${change.from} and the other replicas stream from ${change.to} after ${seconds(change.rejoinedMs)}`,
        );
      console.log(formatHaStatus(await clusterState(await restUrlsOf(haConfig()))));
    }),
  );

program
  .command('synchronous')
  .description(
    "switch Patroni's synchronous replication on the running cluster (PATCH /config, no restart); waits until the " +
      'leader has a sync standby (on, strict) or none (off)',
  )
  .addArgument(new Argument('<mode>', 'on, strict or off').choices(synchronousModes))
  .action((mode: SynchronousMode) =>
    runMain(async () => {
      const started = Date.now();
      const state = await setSynchronousMode(mode, { log });
      console.log(formatHaStatus(await clusterState(await restUrlsOf(haConfig()))));
      console.log(`${describeSynchronous(state)} (after ${seconds(Date.now() - started)})`);
    }),
  );

program.parseAsync(process.argv);
