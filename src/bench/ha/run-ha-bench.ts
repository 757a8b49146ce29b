// npm run bench:ha: the HA cluster brought up (or reused), the routed client over patroniTopology; first each
// replication mode's steady-state write latency, the modes taking turns in short windows; then, for each
// replication mode in turn (asynchronous, then Patroni's synchronous mode, set on the running cluster), each leader
// change (switchover, failover) under the steady write + read-your-writes workload, with the cluster back to
// healthy (the old leader streaming again, and in synchronous mode a sync standby named) before the next. The
// cluster's synchronous mode is put back as it was, and the cluster is stopped at the end only if this run started
// it.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { expectedMembers, REJOIN_TIMEOUT_MS, startHaCluster, waitHealthy } from '../../ha/ha-cluster';
import { applySynchronousMode } from '../../ha/synchronous-mode';
import { waitFor } from '../../ha/wait-for';
import type { BenchOptionValues } from '../common/bench-command';
import { EventLog } from './event-log';
import type { HA_FLAGS } from './ha-flags';
import { createHaRwsplit, type HaRwsplit } from './ha-rwsplit';
import { ensureTestReplicationTable } from './ensure-test-replication-table';
import { haScenarioResult, type HaScenarioResult } from './ha-scenario-result';
import { type LatencyWindow, measureInterleavedWriteLatency } from './interleaved-write-latency';
import { type ModeRun, modeSummary, type ModeSummary } from './mode-summary';
import { patroniModeOf, type ReplicationMode } from './replication-mode';
import { runLeaderChange } from './run-leader-change';
import { startWriteReadWorkload } from './write-read-workload';

/** The options of bench:ha (their flags and defaults: ha-flags.ts), and where its progress lines go. */
export type HaBenchOptions = BenchOptionValues<Omit<typeof HA_FLAGS, 'resultsDir'>> & {
  readonly log: (line: string) => void;
};

export interface HaBenchRun {
  readonly startedAt: string;
  readonly options: Omit<HaBenchOptions, 'log'>;
  readonly environment: { readonly node: string; readonly cpus: number; readonly platform: string };
  readonly clusterReused: boolean;
  /** The cluster's synchronous mode before the run (it is put back at the end). */
  readonly synchronousModeBefore: string;
  /** Per replication mode: steady-state write latency and the leader changes' totals. */
  readonly modes: readonly ModeSummary[];
  /** The interleaved write-latency windows, in the order they ran (to see the machine's noise). */
  readonly writeLatencyWindows: readonly LatencyWindow[];
  /** Per leader change, every mode's in order. */
  readonly scenarios: readonly HaScenarioResult[];
}

/**
 * How long the workload runs once before anything is measured: pools opened, Prisma's query compiler and V8 warmed
 * up. Write latency still fell from about 9 to 5 ms over the first 12 s of windows after a 1 s warm-up.
 */
const ROUTER_WARMUP_MS = 4000;

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
    // The first writes of a fresh router open its pools; the first mode's steady-state latency must not pay for it.
    await routerSteady(rw, (await expectedMembers(cluster.config)).length - 1);
    const warm = startWriteReadWorkload(rw, { workers: options.workers });
    await new Promise((r) => setTimeout(r, ROUTER_WARMUP_MS));
    await warm.stop();

    const setMode = async (mode: ReplicationMode) => {
      await applySynchronousMode(cluster.config, cluster.restUrls, patroniModeOf(mode), { log });
    };
    const latency = await measureInterleavedWriteLatency({
      rw,
      modes: options.modes,
      rounds: options.latencyRounds,
      windowMs: options.latencyWindowMs,
      workers: options.workers,
      setMode,
      log,
    });

    const scenarios: HaScenarioResult[] = [];
    const modes: ModeSummary[] = [];
    for (const mode of options.modes) {
      const runs: ModeRun[] = [];
      for (const kind of options.scenarios) {
        const members = await expectedMembers(cluster.config);
        await waitHealthy(cluster.config, members, REJOIN_TIMEOUT_MS, { log });
        // Sets the mode, or (already set) waits until the new leader of the last change has named a sync standby:
        // until then its commits wait for nobody, and the next change would not be a synchronous one.
        await setMode(mode);
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
        const result = haScenarioResult(mode, run, events, since);
        scenarios.push(result);
        runs.push({ writes: run.workload.writes, actionAt: run.actionAt, result });
        log(`${mode} ${kind} done; waiting for ${run.from} to rejoin as a replica`);
      }
      modes.push(modeSummary(mode, runs, latency.byMode.get(mode)));
    }
    const members = await expectedMembers(cluster.config);
    await waitHealthy(cluster.config, members, REJOIN_TIMEOUT_MS, { log });
    const shown = { ...options, log: undefined };
    return {
      startedAt,
      options: shown,
      environment: { node: process.version, cpus: os.cpus().length, platform: `${os.platform()} ${os.release()}` },
      clusterReused: cluster.reused,
      synchronousModeBefore: cluster.synchronous.mode,
      modes,
      writeLatencyWindows: latency.windows,
      scenarios,
    };
  } finally {
    await rw?.close();
    // The mode outlives the run (it is in the DCS, even across ha:down): put it back as the run found it.
    await applySynchronousMode(cluster.config, cluster.restUrls, cluster.synchronous.mode, { log }).catch(
      (err: unknown) => log(`could not put the synchronous mode back to ${cluster.synchronous.mode}: ${String(err)}`),
    );
    if (!cluster.reused) {
      log('stopping the HA cluster this run started');
      await cluster.stop();
    }
  }
}
