// npm run bench:ha: the HA cluster brought up (or reused), the routed client over patroniTopology, then each leader
// change in turn (switchover, failover) under the steady write + read-your-writes workload, with the cluster back
// to healthy (the old leader streaming again) before the next. The cluster is stopped at the end only if this run
// started it.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { expectedMembers, REJOIN_TIMEOUT_MS, startHaCluster, waitHealthy } from '../ha/ha-cluster';
import { waitFor } from '../ha/wait-for';
import { EventLog } from './event-log';
import { createHaRwsplit, type HaRwsplit } from './ha-rwsplit';
import { ensureTestReplicationTable } from './ensure-test-replication-table';
import { haScenarioResult, type HaScenarioResult } from './ha-scenario-result';
import { type LeaderChangeKind, runLeaderChange } from './run-leader-change';

export interface HaBenchOptions {
  readonly scenarios: readonly LeaderChangeKind[];
  /** Workload workers. */
  readonly workers: number;
  /** Workload before each action, ms. */
  readonly warmupMs: number;
  /** Workload after writes resumed, ms. */
  readonly settleMs: number;
  /** The router's patroniTopology refreshIntervalMs. */
  readonly refreshIntervalMs: number;
  readonly log: (line: string) => void;
}

export interface HaBenchRun {
  readonly startedAt: string;
  readonly options: Omit<HaBenchOptions, 'log'>;
  readonly environment: { readonly node: string; readonly cpus: number; readonly platform: string };
  readonly clusterReused: boolean;
  readonly scenarios: readonly HaScenarioResult[];
}

/** Waits until the router lists `count` replicas, all eligible, so each leader change starts from steady state. */
async function routerSteady(rw: HaRwsplit, count: number): Promise<void> {
  await waitFor(
    `the router to list ${count} eligible replicas`,
    async () => {
      const replicas = rw.replicas();
      const eligible = replicas.filter((r) => r.eligible).length;
      return replicas.length === count && eligible === count
        ? { done: true, value: undefined }
        : { done: false, seen: JSON.stringify(replicas.map((r) => [r.name, r.reason])) };
    },
    { timeoutMs: 20_000, everyMs: 100 },
  );
}

export async function runHaBench(options: HaBenchOptions): Promise<HaBenchRun> {
  const { log } = options;
  const startedAt = new Date().toISOString();
  const cluster = await startHaCluster({ log });
  log(`HA cluster ${cluster.reused ? 'reused' : 'started'} in ${(cluster.startupMs / 1000).toFixed(1)} s`);
  const events = new EventLog();
  let rw: HaRwsplit | undefined;
  try {
    await ensureTestReplicationTable(cluster.databaseUrl);
    rw = await createHaRwsplit({
      restUrls: cluster.restUrls,
      databaseUrl: cluster.databaseUrl,
      refreshIntervalMs: options.refreshIntervalMs,
      onEvent: events.listener,
    });
    const scenarios: HaScenarioResult[] = [];
    for (const kind of options.scenarios) {
      const members = await expectedMembers(cluster.config);
      await waitHealthy(cluster.config, members, REJOIN_TIMEOUT_MS);
      await routerSteady(rw, members.length - 1);
      const since = performance.now();
      const run = await runLeaderChange(kind, {
        config: cluster.config,
        restUrls: cluster.restUrls,
        rw,
        workload: { workers: options.workers },
        warmupMs: options.warmupMs,
        settleMs: options.settleMs,
        log,
      });
      scenarios.push(haScenarioResult(run, events, since));
      log(`${kind} done; waiting for ${run.from} to rejoin as a replica`);
    }
    const members = await expectedMembers(cluster.config);
    await waitHealthy(cluster.config, members, REJOIN_TIMEOUT_MS);
    const shown = { ...options, log: undefined };
    return {
      startedAt,
      options: shown,
      environment: { node: process.version, cpus: os.cpus().length, platform: `${os.platform()} ${os.release()}` },
      clusterReused: cluster.reused,
      scenarios,
    };
  } finally {
    await rw?.close();
    if (!cluster.reused) {
      log('stopping the HA cluster this run started');
      await cluster.stop();
    }
  }
}
