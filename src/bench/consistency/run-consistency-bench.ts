// `npm run bench:consistency`: for each scenario (injected lag, or a fault) and mode, N write→read pairs through
// the router under a background write load, with the standbys' lag sampled throughout and the router's routing
// queries counted per mode. Whatever happens (failure, Ctrl-C), every change made to the cluster is undone (a
// frozen standby thawed, a killed one started) before this returns or throws.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { type Config, maskUrl } from '../../config';
import { queryOnce } from '../../db/pg-client';
import { type LagSampler, startLagSampler } from '../common/lag-sampler';
import type { LagSeries, NodeReads } from '../report/report-data';
import { SERVER_VERSION } from '../../replication/queries';
import { syncStandbys } from '../../replication/sync-standbys';
import { createRwsplitFromConfig, type AppRwsplit, type AppRwsplitOptions } from '../../db/app-rwsplit';
import { startBackgroundWriter } from './background-writer';
import { adminAccess, benchNodes, type BenchNodes } from './bench-nodes';
import { type BenchMode, type ConsistencyBenchOptions, type ResolvedOptions } from './bench-options';
import { resolveOptions } from './resolve-options';
import { type BenchHooks, type Run } from './bench-run';
import { checkTargets, type TargetCheck } from './bench-targets';
import { type ConsistencyBaselines, noBaselines, runConsistencyBaselines } from './consistency-baselines';
import { describeLag, injectLag, type LagSpec, SPLIT_ROUTING } from './lag-injection';
import type { ModeResult } from './mode-result';
import { PairTracker } from './pair-tracker';
import { runMode } from './run-mode';
import { RestoreLedger } from './restore-ledger';
import { deleteAddedRows, maxId } from '../common/added-rows';
import { runPairs } from './run-pairs';

export type { BenchHooks } from './bench-run';

export interface ConsistencyBenchResult {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly options: ResolvedOptions;
  /** The router's settings that decide where reads go. */
  readonly routing: { readonly maxLagMs: number; readonly maxLagBytes: number; readonly readYourWritesWaitMs: number };
  readonly environment: Readonly<Record<string, string | number | boolean>>;
  readonly modes: readonly ModeResult[];
  readonly skipped: readonly { scenario: string; mode: BenchMode; reason: string }[];
  readonly lagSeries: readonly LagSeries[];
  readonly readsPerNode: readonly NodeReads[];
  readonly targets: readonly TargetCheck[];
  /** Changes an earlier, killed run had left on the cluster, undone before this run started. */
  readonly recovered: readonly string[];
  /** The signal stopped the run early: the figures cover what ran. */
  readonly aborted: boolean;
  /** The pair's SQL through pgbench and raw pg at the pairs' concurrency, run after the pairs in the same run. */
  readonly baselines: ConsistencyBaselines;
  /** Rows the run wrote and deleted at the end (0 with `keep`). */
  readonly deletedRows: number;
}

/** Every row the run writes has data starting with `bench-consistency ` (pairs, background load, baselines). */
export const CONSISTENCY_ROW_PATTERNS: readonly string[] = ['bench-consistency %'];

/** The settings a scenario's routers need beyond the configured ones, or null when the main router will do. */
function scenarioRouting(spec: LagSpec): AppRwsplitOptions | null {
  if (spec.kind === 'fault') {
    return {
      replicaReadTimeoutMs: spec.replicaReadTimeoutMs,
      checkTimeoutMs: spec.checkTimeoutMs,
      ...(spec.connectTimeoutMs === null ? {} : { connectTimeoutMs: spec.connectTimeoutMs }),
    };
  }
  // The paused standby stays eligible however far behind it falls.
  if (spec.kind === 'split') return { ...SPLIT_ROUTING };
  return null;
}

/**
 * A router for one scenario: the configured settings with `extra`. Its pools are warmed like the main router's, so
 * that its first reads do not open connections.
 */
async function openRouter(run: Run, config: Config, extra: AppRwsplitOptions): Promise<AppRwsplit> {
  const rw = await createRwsplitFromConfig(config, {
    onEvent: run.tracker.listener,
    poolSize: run.opts.poolSize,
    ...extra,
  });
  try {
    await warmUp(run, rw);
  } catch (err) {
    await rw.close().catch(() => undefined);
    throw err;
  }
  return rw;
}

/** Opens the scenario's own routers (see Run.scenarioRw, Run.plainRw) as it needs them. */
async function openScenarioRouters(run: Run, config: Config, spec: LagSpec): Promise<void> {
  const extra = scenarioRouting(spec);
  if (extra) run.scenarioRw = await openRouter(run, config, extra);
  if (run.opts.modes.includes('eventual-plain')) {
    run.plainRw = await openRouter(run, config, { ...extra, monotonicReads: false });
  }
}

async function closeScenarioRouters(run: Run): Promise<void> {
  const open = [run.scenarioRw, run.plainRw];
  run.scenarioRw = null;
  run.plainRw = null;
  await Promise.all(open.map((rw) => rw?.close().catch(() => undefined)));
}

async function runScenario(run: Run, config: Config, spec: LagSpec): Promise<void> {
  // Each scenario starts from caught-up standbys and fresh health, so the previous one does not leak into it.
  await syncStandbys(config, { timeoutMs: 60_000 });
  await run.rw.checkNow();
  // Its connect timeout in figures, for the report: the configured one unless the scenario sets its own.
  const scenario: LagSpec =
    spec.kind === 'fault'
      ? { ...spec, connectTimeoutMs: spec.connectTimeoutMs ?? config.writer.connectTimeoutMs }
      : spec;
  try {
    await openScenarioRouters(run, config, scenario);
    if (run.access && run.ledger && scenario.kind !== 'none' && scenario.kind !== 'fault') {
      run.hooks.log?.(`injecting: ${describeLag(scenario)}`);
      run.injection = await injectLag(
        scenario,
        run.nodes.standbys.map((s) => s.name),
        run.access,
        run.ledger,
      );
      // The scenario's routers see the lag now, not at their next check.
      await Promise.all([run.scenarioRw, run.plainRw].map((rw) => rw?.checkNow()));
    }
    for (const mode of run.opts.modes) {
      if (run.hooks.signal?.aborted) break;
      await runMode(run, scenario, mode);
      // After a fault, the next mode starts from both standbys back in rotation, as the first did.
      if (scenario.kind === 'fault') await Promise.all([run.scenarioRw, run.plainRw].map((rw) => rw?.checkNow()));
    }
    await run.injection?.stop();
    run.injection = null;
  } finally {
    await closeScenarioRouters(run);
  }
}

/** Unrecorded pairs first, so every pool has its connections open before anything is measured. */
async function warmUp(run: Run, rw: AppRwsplit): Promise<void> {
  const pairs = Math.min(run.opts.pairs, run.opts.concurrency * 4);
  for (const mode of ['eventual', 'primary'] as const) {
    await runPairs(rw, run.tracker, mode, { pairs, concurrency: run.opts.concurrency, label: 'warm-up' });
  }
}

/** Stops whatever still runs and undoes every change; returns what could not be undone. */
async function cleanUp(run: Run): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      problems.push(`${what}: ${(err as Error).message}`);
    }
  };
  if (run.fault) await attempt('undoing the fault', () => run.fault!.stop());
  if (run.scenarioRw || run.plainRw) await attempt("closing the scenario's routers", () => closeScenarioRouters(run));
  if (run.injection) await attempt('stopping lag injection', () => run.injection!.stop());
  if (run.writer) await attempt('stopping the background writer', () => run.writer!.stop());
  if (run.ledger) await attempt('restoring the cluster', () => run.ledger!.undoAll());
  if (!run.opts.keep) {
    await attempt('deleting the rows the run wrote', async () => {
      run.deletedRows = await deleteAddedRows(run.primaryUrl, run.idBefore, CONSISTENCY_ROW_PATTERNS);
      run.hooks.log?.(`deleted the ${run.deletedRows} rows the run wrote`);
    });
  }
  return problems;
}

async function environment(config: Config, run: Run): Promise<Record<string, string | number | boolean>> {
  const version = await queryOnce<{ version: string }>(config.primaryUrl, SERVER_VERSION).catch(() => []);
  return {
    node: process.version,
    cpus: os.cpus().length,
    postgres: version[0]?.version ?? 'unknown',
    primary: maskUrl(config.primaryUrl),
    replicas: config.replicaUrls.length,
    localCluster: config.usesLocalCluster,
    pairsPerMode: run.opts.pairs,
    concurrency: run.opts.concurrency,
    scenarios: run.opts.scenarios.map(describeLag).join('; '),
    backgroundWritesPerSec: run.opts.writeRate,
    maxLagMs: config.routing.maxLagMs,
    maxLagBytes: config.routing.maxLagBytes,
    readYourWritesWaitMs: config.routing.readYourWritesWaitMs,
  };
}

function readsPerNode(nodes: BenchNodes, results: readonly ModeResult[]): NodeReads[] {
  return [nodes.primary, ...nodes.standbys].map((n) => ({
    node: n.name,
    reads: results.reduce((sum, r) => sum + (r.readsPerNode[n.name] ?? 0), 0),
  }));
}

/** Runs the benchmark; prints nothing (see hooks.log and formatConsistencyTable). */
export async function runConsistencyBench(
  config: Config,
  options: ConsistencyBenchOptions = {},
  hooks: BenchHooks = {},
): Promise<ConsistencyBenchResult> {
  const opts = resolveOptions(options);
  const nodes = benchNodes(config);
  if (nodes.standbys.length === 0) throw new Error('bench:consistency needs at least one replica (REPLICA_URLS).');
  const access = opts.inject ? adminAccess(config) : null;
  const ledger = access ? new RestoreLedger(access.clusterDir, access.admin, access.control) : null;
  const recovered = ledger ? await ledger.claim() : [];
  for (const r of recovered) hooks.log?.(`undone what an interrupted earlier run left: ${r}`);
  const startedAt = new Date().toISOString();
  const tracker = new PairTracker();
  const idBefore = await maxId(config.primaryUrl);
  const rw = await createRwsplitFromConfig(config, { onEvent: tracker.listener, poolSize: opts.poolSize }).catch(
    async (err: unknown) => {
      await ledger?.undoAll().catch(() => undefined);
      throw err;
    },
  );
  const run: Run = {
    opts,
    nodes,
    access,
    ledger,
    rw,
    scenarioRw: null,
    plainRw: null,
    fault: null,
    tracker,
    origin: 0,
    hooks,
    results: [],
    skipped: [],
    done: 0,
    writer: null,
    injection: null,
    primaryUrl: config.primaryUrl,
    idBefore,
    deletedRows: 0,
  };
  let failure: unknown = null;
  let sampler: LagSampler | null = null;
  let baselines = noBaselines(opts.concurrency, 'The run was interrupted before the baselines.');
  try {
    // One load for the whole run, started before the warm-up so that its connections are open when measuring.
    run.writer = startBackgroundWriter(config.primaryUrl, { ratePerSec: opts.writeRate });
    await warmUp(run, rw);
    // Sampling starts once commits flow: before that, "time since the last replayed commit" is idle time, not lag.
    run.origin = performance.now();
    const target = (n: { name: string; url: string }) => access?.admin(n.name) ?? n.url;
    // The standbys' own clocks give lagMs: with the background load it is the lag, and it grows while replay is
    // paused. The local cluster's superuser socket where there is one: no password exchange per connection.
    sampler = await startLagSampler({
      primary: target(nodes.primary),
      standbys: nodes.standbys.map((s) => ({ name: s.name, target: target(s) })),
      intervalMs: opts.sampleEveryMs,
      originMs: run.origin,
    });
    for (const spec of opts.scenarios) {
      if (hooks.signal?.aborted) break;
      await runScenario(run, config, spec);
    }
    // Under the same background load as the pairs, with no injected lag.
    if (!hooks.signal?.aborted) {
      baselines = await runConsistencyBaselines(config, {
        clients: opts.concurrency,
        seconds: opts.baselineSeconds,
        ops: opts.baselineOps,
        ...(opts.pgbench ? { pgbench: opts.pgbench } : {}),
        ...(hooks.log ? { log: hooks.log } : {}),
      });
    }
    const writes = await run.writer.stop();
    run.writer = null;
    if (writes.errors > 0) {
      throw new Error(
        `${writes.errors} background writes failed (first: ${writes.firstError}); the load was not as reported.`,
      );
    }
  } catch (err) {
    failure = err;
  }
  const problems = await cleanUp(run);
  const lagSeries = (await sampler?.stop()) ?? [];
  await rw.close().catch(() => undefined);
  if (failure) {
    const also = problems.length ? ` Restoring also failed: ${problems.join('; ')}` : '';
    throw new Error(`bench:consistency failed.${also}`, { cause: failure });
  }
  if (problems.length) throw new Error(`bench:consistency could not restore the cluster: ${problems.join('; ')}`);
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    options: opts,
    routing: {
      maxLagMs: config.routing.maxLagMs,
      maxLagBytes: config.routing.maxLagBytes,
      readYourWritesWaitMs: config.routing.readYourWritesWaitMs,
    },
    environment: await environment(config, run),
    modes: run.results,
    skipped: run.skipped,
    lagSeries,
    readsPerNode: readsPerNode(nodes, run.results),
    targets: checkTargets(run.results, opts.scenarios, config.routing.maxLagMs, opts.concurrency),
    recovered,
    aborted: hooks.signal?.aborted ?? false,
    baselines,
    deletedRows: run.deletedRows,
  };
}
