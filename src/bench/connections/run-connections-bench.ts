// The connection bench: for each way (direct, or through one PgBouncer per node) and each number of processes, N
// application processes with their own rwsplit run a steady mixed load against the local cluster while the nodes'
// pg_stat_activity (and the PgBouncers' SHOW POOLS) are sampled. Each configuration is checked to have really run
// (see check-configuration.ts) before the next one starts; the rows the sessions created are deleted.
import path from 'node:path';
import { type Config, localNodeUrl } from '../../config';
import { failedOverNotice, localClusterFor } from '../../cluster/cluster-commands';
import type { LocalCluster } from '../../cluster/local-cluster';
import { PgBouncerFleet } from '../../cluster/pgbouncer-fleet';
import { PGBOUNCER_DEFAULTS } from '../../cluster/pgbouncer-config';
import type { PgBouncerShowRow } from '../../cluster/pgbouncer-process';
import { queryOnce } from '../../db/pg-client';
import { BenchConnectionsError } from './bench-connections-error';
import { PGBOUNCER_BENCH_PORT_OFFSET } from './bench-connections-options';
import type { ConnectionsBenchOptions } from './connections-flags';
import { checkConfiguration } from './check-configuration';
import type { ChildNode } from './child-spec';
import { type ConnectionSample, type SampledNode, sampleConnections } from './connection-sample';
import { runConnectionChildren } from './run-connection-children';
import { type ConfigurationResult, summarizeConfiguration } from './summarize-configuration';
import type { Via } from './via';

type Logger = (line: string) => void;

export interface ConnectionsBenchRun {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly options: ConnectionsBenchOptions;
  /** PgBouncer's `default_pool_size` in the pgbouncer runs. */
  readonly pgbouncerPoolSize: number;
  readonly configurations: readonly ConfigurationResult[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The bench's PgBouncers' folder, beside the cluster's own (PgBouncer's account can reach it). */
const pgbouncerDir = (cluster: LocalCluster) => path.join(cluster.config.dir, 'pgbouncer-bench-connections');

/** The URL with `application_name` set, so pg_stat_activity tells the bench's connections from anyone else's. */
function tagged(url: string, applicationName: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', applicationName);
  return u.toString();
}

/** Samples every `sampleMs` until `loadMs` has passed (the last sample at least 200 ms before the end). */
async function sampleDuring(
  loadMs: number,
  sampleMs: number,
  sample: () => Promise<ConnectionSample>,
): Promise<ConnectionSample[]> {
  const samples: ConnectionSample[] = [];
  const end = Date.now() + loadMs;
  for (let next = Date.now() + sampleMs; next <= end - 200; next += sampleMs) {
    await sleep(Math.max(0, next - Date.now()));
    samples.push(await sample());
  }
  await sleep(Math.max(0, end - Date.now()));
  return samples;
}

/** How the children reach the nodes for one configuration: the URLs, node order, and what to stop after. */
interface Front {
  readonly urls: readonly string[];
  /** Node i's PgBouncer's SHOW command; null when direct. */
  readonly show: ((i: number) => (what: string) => Promise<readonly PgBouncerShowRow[]>) | null;
  stop(): Promise<void>;
}

async function openFront(
  cluster: LocalCluster,
  via: Via,
  options: ConnectionsBenchOptions,
  log: Logger,
): Promise<Front> {
  const direct = cluster.nodes.map((n) => localNodeUrl(cluster.config, n.index));
  if (via === 'direct') return { urls: direct, show: null, stop: async () => undefined };
  const dir = pgbouncerDir(cluster);
  // Whatever an interrupted run left in this folder is stopped first: its PgBouncers would hold the ports.
  await PgBouncerFleet.stopAll(dir);
  const fleet = await PgBouncerFleet.start({
    dir,
    nodes: cluster.nodes.map((n, i) => ({ name: n.name, url: direct[i]! })),
    ports: options.pgbouncerPorts ?? cluster.config.ports.map((p) => p + PGBOUNCER_BENCH_PORT_OFFSET),
    log,
  });
  return {
    urls: fleet.instances.map((i) => i.url),
    show: (i) => (what) => fleet.process(i).admin(`SHOW ${what}`, 5000),
    stop: () => fleet.stop(),
  };
}

async function runConfiguration(
  cluster: LocalCluster,
  via: Via,
  processes: number,
  options: ConnectionsBenchOptions,
  log: Logger,
): Promise<ConfigurationResult> {
  const cfg = cluster.config;
  const applicationName = `rwsplit-bench-connections-${process.pid}-${via}-${processes}`;
  const front = await openFront(cluster, via, options, log);
  try {
    const nodes: ChildNode[] = cluster.nodes.map((n, i) => ({
      name: n.name,
      url: tagged(front.urls[i]!, applicationName),
    }));
    const sampled: SampledNode[] = cluster.nodes.map((n, i) => ({
      name: n.name,
      admin: cluster.adminTarget(n),
      ...(front.show ? { show: front.show(i) } : {}),
    }));
    const sample = () => sampleConnections(sampled, { user: cfg.appUser, database: cfg.database, applicationName });
    const run = await runConnectionChildren(
      {
        nodes,
        concurrency: options.concurrency,
        sessionEveryMs: options.sessionEveryMs,
        warmupMs: options.warmupSeconds * 1000,
        rowData: applicationName,
      },
      processes,
      options.seconds * 1000,
      () => sampleDuring(options.seconds * 1000, options.sampleMs, sample),
    );
    const result = summarizeConfiguration({
      via,
      processes,
      nodes: cluster.nodes.map((n) => n.name),
      samples: run.during,
      reports: run.reports,
    });
    log(
      `${via}, ${processes} process(es): ready in ${(run.readyMs / 1000).toFixed(1)} s, ${result.reads} reads, ` +
        `${result.sessions} sessions, ${result.samples} samples`,
    );
    const problems = checkConfiguration(result, run.reports);
    if (problems.length > 0) {
      throw new BenchConnectionsError(
        `The configuration ${via} × ${processes} process(es) did not really run:\n  - ${problems.join('\n  - ')}\n` +
          'Check the cluster (`npm run cluster:status`) and run again; with PgBouncer, its logs are in ' +
          `${pgbouncerDir(cluster)}.`,
      );
    }
    return result;
  } finally {
    await front.stop();
    const primary = cluster.nodes[0]!;
    await queryOnce(cluster.adminTarget(primary, cfg.database), 'DELETE FROM test_replication WHERE data = $1', [
      applicationName,
    ]).catch((err: unknown) => log(`warning: the rows of ${applicationName} were not deleted: ${String(err)}`));
  }
}

/**
 * Runs every configuration in order (each way, then each number of processes). The local cluster must be up
 * (ensureReady) and in its original shape: the bench names the first node the primary.
 */
export async function runConnectionsBench(
  config: Config,
  options: ConnectionsBenchOptions,
  log: Logger = () => undefined,
): Promise<ConnectionsBenchRun> {
  const cluster = localClusterFor(config, log);
  const failedOver = await failedOverNotice(cluster);
  if (failedOver !== null) throw new BenchConnectionsError(failedOver);
  const startedAt = new Date().toISOString();
  const configurations: ConfigurationResult[] = [];
  for (const via of options.via) {
    for (const processes of options.processes) {
      log(`${via}, ${processes} process(es): starting`);
      configurations.push(await runConfiguration(cluster, via, processes, options, log));
    }
  }
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    options,
    pgbouncerPoolSize: PGBOUNCER_DEFAULTS.defaultPoolSize,
    configurations,
  };
}
