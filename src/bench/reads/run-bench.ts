// `npm run bench`: every read and write path measured side by side in one run, with pgbench and raw pg as limit
// lines, replica lag sampled throughout and reads counted per node. Returns data; prints nothing.
import type { Config } from '../../config';
import { syncStandbys } from '../../replication/sync-standbys';
import { BENCH_ROW_PATTERNS, deleteAddedRows, maxId } from '../common/added-rows';
import { runPgbenchBaselines } from '../baseline/run-pgbench-baselines';
import { openBenchClients } from './bench-clients';
import { benchEnvironment, namedReads } from '../common/bench-environment';
import { benchPaths, LATEST_ROWS_SQL, PATH, PGBENCH_WRITE_SQL } from './bench-paths';
import {
  BENCH_REPORT_VERSION,
  type BenchBaselines,
  type BenchOptionsUsed,
  type BenchPathResult,
  type BenchRatio,
  type BenchReport,
  type BenchSkipped,
  type OpenLoopResult,
} from './bench-report';
import { openFallbackWriter } from './fallback-writer';
import { measureInterleaved } from './interleaved-rounds';
import { type MemoryFootprint, measureMemoryFootprint } from './memory-footprint';
import { measureOpenLoop } from './open-loop-paths';
import { startLagSampler } from '../common/lag-sampler';
import { pathResult } from './path-result';
import { type ProgressListener, ProgressTracker } from '../common/progress-tracker';
import { topUpRows } from '../common/seed-rows';
import { measureCommitToVisiblePath, measureFallbackPath } from './serial-paths';

export { LATEST_ROWS_SQL } from './bench-paths';

/** Reads each process of the memory study runs before its RSS is noted. */
const MEMORY_READS = 500;

/**
 * The router's latency over the bare extension's, at p50 and at the mean: at most 0.95× since the router runs one
 * Prisma pipeline per read and the extension two (issue 13; it was 1.02× while the router also ran two).
 */
export const ROUTER_P50_TARGET = 0.95;

/**
 * Rough time of each unit of work on a 2-core machine, in ms: progress counts in expected milliseconds, so the
 * bar's ETA holds across phases as different as a 0.2 ms read and a 25 ms psql write.
 */
const ETA_MS = { seed: 500, call: 0.2, fallbackCall: 25, commitSample: 2, memorySample: 6000, cleanUp: 500 } as const;

export interface BenchOptions {
  /** Measured calls per interleaved path, over all rounds. Default 20000. */
  readonly iterations?: number;
  /** Rounds the interleaved paths alternate in. Default 20. */
  readonly rounds?: number;
  /** Parallel workers per path (each node's Prisma pool holds 10). Default 4. */
  readonly concurrency?: number;
  /** Unmeasured calls per path before round 1. Default 200. */
  readonly warmup?: number;
  /** Rows test_replication holds (topped up in one INSERT … generate_series) before measuring. Default 10000. */
  readonly rows?: number;
  /** Calls of the fallback-write path (one psql process each). Default 100. */
  readonly fallbackIterations?: number;
  /** Commit-to-visible samples (one commit at a time). Default 500. */
  readonly commitToVisibleSamples?: number;
  /** Offered rates (requests/s) of the open-loop runs of extension-read, router-read, router-write. */
  readonly rates?: readonly number[];
  /** Seconds of each open-loop run's schedule; 0 skips the open-loop runs. Default 5. */
  readonly openLoopSeconds?: number;
  /** Seconds of each pgbench baseline run (read, write); 0 skips pgbench. Default 5. */
  readonly baselineSeconds?: number;
  /** The pgbench executable. Default: found on PATH or in /usr/lib/postgresql. */
  readonly pgbench?: string;
  /** How often replica lag is sampled, in ms. Default 100. */
  readonly lagIntervalMs?: number;
  /** Processes per client kind in the memory study (a plain client, the extension, rwsplit); 0 skips it. Default 3. */
  readonly memorySamples?: number;
  /** Keep the rows the bench wrote. Default false: they are deleted at the end (seeded rows always stay). */
  readonly keep?: boolean;
  /** Progress lines. Default: silent. */
  readonly log?: (line: string) => void;
  /** Progress of the whole run, for a progress bar. Default: none. */
  readonly onProgress?: ProgressListener;
}

function resolveOptions(options: BenchOptions): BenchOptionsUsed {
  return {
    iterations: options.iterations ?? 20_000,
    rounds: options.rounds ?? 20,
    concurrency: options.concurrency ?? 4,
    warmup: options.warmup ?? 200,
    rows: options.rows ?? 10_000,
    fallbackIterations: options.fallbackIterations ?? 100,
    commitToVisibleSamples: options.commitToVisibleSamples ?? 500,
    rates: options.rates ?? [500, 1000, 2000],
    openLoopSeconds: options.openLoopSeconds ?? 5,
    baselineSeconds: options.baselineSeconds ?? 5,
    lagIntervalMs: options.lagIntervalMs ?? 100,
    memorySamples: options.memorySamples ?? 3,
    keep: options.keep ?? false,
  };
}

function ratio(
  paths: readonly BenchPathResult[],
  name: string,
  numerator: string,
  denominator: string,
  targetP50Ratio?: number,
): BenchRatio[] {
  const a = paths.find((p) => p.name === numerator);
  const b = paths.find((p) => p.name === denominator);
  if (!a || !b || !(b.p50Ms > 0 && b.meanMs > 0 && b.opsPerSec > 0)) return [];
  return [
    {
      name,
      numerator,
      denominator,
      p50Ratio: a.p50Ms / b.p50Ms,
      meanRatio: a.meanMs / b.meanMs,
      opsRatio: a.opsPerSec / b.opsPerSec,
      ...(targetP50Ratio === undefined ? {} : { targetP50Ratio }),
    },
  ];
}

/** The ratios the issues ask for: router vs extension, metrics on vs off, Prisma vs raw pg, fallback vs Prisma. */
export function benchRatios(paths: readonly BenchPathResult[]): BenchRatio[] {
  return [
    ...ratio(paths, 'router / extension (read)', PATH.routerRead, PATH.extensionRead, ROUTER_P50_TARGET),
    ...ratio(paths, 'metrics on / off (router read)', PATH.routerMetricsRead, PATH.routerRead),
    ...ratio(paths, 'extension / raw pg (read)', PATH.extensionRead, PATH.pgRead),
    ...ratio(paths, 'router / raw pg (read)', PATH.routerRead, PATH.pgRead),
    ...ratio(paths, 'router / raw pg (write)', PATH.routerWrite, PATH.pgWrite),
    ...paths
      .filter((p) => p.name.startsWith(PATH.fallbackWritePrefix))
      .flatMap((p) => ratio(paths, `${p.name} / router write`, p.name, PATH.routerWrite)),
  ];
}

/** Measures every path and returns the report; prints nothing (see formatBenchReport, benchReportData). */
export async function runBench(config: Config, options: BenchOptions = {}): Promise<BenchReport> {
  const log = options.log ?? (() => undefined);
  const used = resolveOptions(options);
  const startedAt = new Date().toISOString();
  const fallbackWarmup = Math.min(5, used.warmup);
  const interleavedCount = 6;
  const progress = new ProgressTracker(
    [
      { name: 'seeding rows', units: ETA_MS.seed },
      { name: 'paths in rounds', units: (used.warmup + used.iterations) * interleavedCount * ETA_MS.call },
      { name: 'open loop', units: used.rates.length * 3 * used.openLoopSeconds * 1000 },
      { name: 'pgbench', units: used.baselineSeconds * 2000 },
      { name: 'fallback writes', units: (used.fallbackIterations + fallbackWarmup) * ETA_MS.fallbackCall },
      { name: 'commit-to-visible', units: used.commitToVisibleSamples * ETA_MS.commitSample },
      { name: 'memory', units: used.memorySamples * ETA_MS.memorySample },
      { name: 'clean-up', units: ETA_MS.cleanUp },
    ],
    options.onProgress,
  );

  progress.phase('seeding rows');
  const seeded = await topUpRows(config.primaryUrl, used.rows);
  log(`table holds ${seeded.before + seeded.inserted} rows (${seeded.inserted} seeded)`);
  await syncStandbys(config, { timeoutMs: 120_000 });
  progress.advance(ETA_MS.seed);
  const idBefore = await maxId(config.primaryUrl);

  const clients = await openBenchClients(config, used.concurrency);
  const fallback = await openFallbackWriter(config).catch(async (err: unknown) => {
    await clients.close();
    throw err;
  });
  const skipped: BenchSkipped[] = [];
  const paths: BenchPathResult[] = [];
  let openLoop: OpenLoopResult[] = [];
  let pgbench: BenchBaselines | null = null;
  let lagSampler: Awaited<ReturnType<typeof startLagSampler>> | null = null;
  try {
    lagSampler = await startLagSampler({ primary: config.primaryUrl, intervalMs: used.lagIntervalMs });
    const specs = benchPaths(clients);
    progress.phase('paths in rounds');
    log(
      `${specs.length} paths in ${used.rounds} rounds: ${used.warmup} warm-up + ${used.iterations} calls each, ` +
        `concurrency ${used.concurrency}`,
    );
    const measured = await measureInterleaved(specs, {
      iterations: used.iterations,
      rounds: used.rounds,
      concurrency: used.concurrency,
      warmup: used.warmup,
      onSlice: (s) => progress.advance(s.calls * ETA_MS.call),
    });
    specs.forEach((spec, i) => {
      const m = measured[i]!;
      paths.push(pathResult({ ...spec, concurrency: used.concurrency }, m.latency, m.wallMs, m.rounds));
    });

    progress.phase('open loop');
    if (used.openLoopSeconds > 0 && used.rates.length > 0) {
      log(
        `open loop: extension-read, router-read, router-write at ${used.rates.join(', ')} requests/s, ` +
          `${used.openLoopSeconds} s each, latency from each request's intended start`,
      );
      let done = 0;
      openLoop = await measureOpenLoop(specs, {
        rates: used.rates,
        seconds: used.openLoopSeconds,
        log,
        onRun: (ms) => progress.set((done += ms)),
      });
    }

    progress.phase('pgbench');
    if (used.baselineSeconds > 0) {
      log(`pgbench: read on every standby (clients split), write on the primary, ${used.baselineSeconds} s each`);
      let runs = 0;
      pgbench = await runPgbenchBaselines(config, {
        clients: used.concurrency,
        seconds: used.baselineSeconds,
        readSql: LATEST_ROWS_SQL,
        writeSql: PGBENCH_WRITE_SQL,
        ...(options.pgbench ? { pgbench: options.pgbench } : {}),
        onTick: (ms) => {
          progress.set(runs * used.baselineSeconds * 1000 + ms);
          if (ms >= used.baselineSeconds * 1000) runs++;
        },
      });
      for (const [workload, outcome] of Object.entries(pgbench)) {
        if (outcome.status === 'unavailable') skipped.push({ name: `pgbench ${workload}`, reason: outcome.reason });
      }
    }

    progress.phase('fallback writes');
    if ('writer' in fallback) {
      log(
        `fallback writes: ${fallbackWarmup} warm-up + ${used.fallbackIterations} calls through ${fallback.writer.via}`,
      );
      paths.push(
        await measureFallbackPath(fallback.writer, used.fallbackIterations, fallbackWarmup, (n) =>
          progress.advance(n * ETA_MS.fallbackCall),
        ),
      );
    } else {
      skipped.push({ name: 'fallback-write', reason: fallback.unavailable });
    }

    progress.phase('commit-to-visible');
    log(`commit-to-visible: ${used.commitToVisibleSamples} commits, one at a time, polled on standby1`);
    paths.push(
      await measureCommitToVisiblePath(config, used.commitToVisibleSamples, (n) =>
        progress.advance(n * ETA_MS.commitSample),
      ),
    );
    const lagSeries = await lagSampler.stop();
    lagSampler = null;

    progress.phase('memory');
    let memory: MemoryFootprint | null = null;
    if (used.memorySamples > 0) {
      log(
        `memory: ${used.memorySamples} processes each of a plain client, the extension and rwsplit, ${MEMORY_READS} reads`,
      );
      memory = await measureMemoryFootprint({
        samples: used.memorySamples,
        reads: MEMORY_READS,
        onSample: () => progress.advance(ETA_MS.memorySample),
      });
    }
    progress.phase('clean-up');
    const deletedRows = used.keep ? 0 : await deleteAddedRows(config.primaryUrl, idBefore, BENCH_ROW_PATTERNS);
    if (deletedRows > 0) log(`deleted the ${deletedRows} rows the bench wrote`);
    progress.finish();

    return Object.freeze({
      version: BENCH_REPORT_VERSION,
      startedAt,
      finishedAt: new Date().toISOString(),
      options: used,
      environment: await benchEnvironment(config, seeded.before + seeded.inserted),
      paths,
      openLoop,
      skipped,
      ratios: benchRatios(paths),
      pgbench,
      memory,
      lagSeries,
      reads: {
        perNode: namedReads(config, clients.reads.counts()),
        // router-read and router-metrics-read in rounds, and router-read's open-loop requests.
        issued:
          (used.warmup + used.iterations) * 2 +
          openLoop.filter((r) => r.path === PATH.routerRead).reduce((n, r) => n + r.issued, 0),
      },
      deletedRows,
    });
  } finally {
    await Promise.allSettled([
      lagSampler?.stop(),
      clients.close(),
      'writer' in fallback ? fallback.writer.close() : Promise.resolve(),
    ]);
  }
}
