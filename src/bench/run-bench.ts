// `npm run bench`: latency percentiles of each read and write path, measured on the configured servers.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { type Config, maskUrl } from '../config';
import { queryOnce } from '../db/pg-client';
import { measureCommitToVisible } from '../replication/commit-to-visible';
import { INSERT_PROBE_ROW, SERVER_VERSION } from '../replication/queries';
import { syncStandbys } from '../replication/sync-standbys';
import { createReplicatedClient } from '../routing/replicated-client';
import {
  BENCH_REPORT_VERSION,
  type BenchEnvironment,
  type BenchOptionsUsed,
  type BenchPathResult,
  type BenchRatio,
  type BenchReport,
  type BenchSkipped,
  type BenchTarget,
} from './bench-report';
import { openFallbackWriter } from './fallback-writer';
import { measureLatency } from './measure-latency';
import { summarize } from './percentiles';
import { topUpRows } from './seed-rows';

/** The demo's read, as raw SQL for the pg baseline: the same rows Prisma's findMany asks for. */
export const LATEST_ROWS_SQL = 'SELECT id, data, created_at FROM test_replication ORDER BY created_at DESC LIMIT 10';

export interface BenchOptions {
  /** Measured calls per path. Default 2000. */
  readonly iterations?: number;
  /** Parallel workers per path (each node's Prisma pool holds 10 connections). Default 1: latency at light load. */
  readonly concurrency?: number;
  /** Unmeasured calls per path before measuring. Default 200. */
  readonly warmup?: number;
  /** Rows test_replication holds (topped up) before measuring. Default 10000. */
  readonly rows?: number;
  /** Calls of the fallback-write path (one psql process each). Default 100. */
  readonly fallbackIterations?: number;
  /** Commit-to-visible samples (one commit at a time). Default min(iterations, 500). */
  readonly commitToVisibleSamples?: number;
  /** Progress lines. Default: silent. */
  readonly log?: (line: string) => void;
}

interface PathSpec {
  readonly name: string;
  readonly description: string;
  readonly target: BenchTarget;
  readonly iterations: number;
  readonly concurrency: number;
  readonly warmup: number;
  readonly op: (i: number) => Promise<unknown>;
}

async function measurePath(spec: PathSpec, log: (line: string) => void): Promise<BenchPathResult> {
  log(`${spec.name}: ${spec.warmup} warm-up + ${spec.iterations} calls, concurrency ${spec.concurrency}`);
  try {
    const m = await measureLatency(spec.op, spec);
    return Object.freeze({
      name: spec.name,
      description: spec.description,
      target: spec.target,
      concurrency: spec.concurrency,
      ...summarize(m.samplesMs),
      opsPerSec: (m.samplesMs.length / m.wallMs) * 1000,
      wallMs: m.wallMs,
    });
  } catch (cause) {
    throw new Error(`Bench path ${spec.name} failed; nothing was reported for it.`, { cause });
  }
}

function ratio(paths: readonly BenchPathResult[], name: string, numerator: string, denominator: string): BenchRatio[] {
  const a = paths.find((p) => p.name === numerator);
  const b = paths.find((p) => p.name === denominator);
  return a && b && b.p50Ms > 0 ? [{ name, numerator, denominator, p50Ratio: a.p50Ms / b.p50Ms }] : [];
}

async function environment(config: Config, tableRows: number): Promise<BenchEnvironment> {
  const [row] = await queryOnce<{ version: string }>(config.primaryUrl, SERVER_VERSION);
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    postgres: row?.version ?? 'unknown',
    primary: maskUrl(config.primaryUrl),
    replicas: config.replicaUrls.length,
    tableRows,
    localCluster: config.usesLocalCluster,
  };
}

/** Measures every path and returns the report; prints nothing (see formatBenchReport). */
export async function runBench(config: Config, options: BenchOptions = {}): Promise<BenchReport> {
  const log = options.log ?? (() => undefined);
  const used: BenchOptionsUsed = {
    iterations: options.iterations ?? 2000,
    concurrency: options.concurrency ?? 1,
    warmup: options.warmup ?? 200,
    rows: options.rows ?? 10_000,
    fallbackIterations: options.fallbackIterations ?? 100,
  };
  const startedAt = new Date().toISOString();
  const seeded = await topUpRows(config.primaryUrl, used.rows);
  log(`table holds ${seeded.before + seeded.inserted} rows (${seeded.inserted} seeded)`);
  await syncStandbys(config, { timeoutMs: 60_000 });

  const { client } = createReplicatedClient(config);
  const poolOf = (url: string) => {
    const pool = new pg.Pool({ connectionString: url, max: used.concurrency });
    pool.on('error', () => undefined);
    return pool;
  };
  const primaryPool = poolOf(config.primaryUrl);
  const standbyPools = config.replicaUrls.map(poolOf);
  const fallback = await openFallbackWriter(config);
  const skipped: BenchSkipped[] = [];
  try {
    const common = { concurrency: used.concurrency, iterations: used.iterations, warmup: used.warmup };
    const specs: PathSpec[] = [
      {
        ...common,
        name: 'prisma-read',
        description: 'findMany 10 rows ORDER BY created_at DESC, routed to a standby by the replicated client',
        target: 'standby',
        op: () => client.testReplication.findMany({ take: 10, orderBy: { createdAt: 'desc' } }),
      },
      {
        ...common,
        name: 'pg-read',
        description: 'the same SELECT through a raw pg Pool on a standby (baseline)',
        target: 'standby',
        op: (i) => standbyPools[i % standbyPools.length]!.query(LATEST_ROWS_SQL),
      },
      {
        ...common,
        name: 'prisma-write',
        description: 'testReplication.create through the replicated client (primary)',
        target: 'primary',
        op: (i) => client.testReplication.create({ data: { data: `bench prisma write ${i}` } }),
      },
      {
        ...common,
        name: 'pg-write',
        description: 'the same INSERT through a raw pg Pool on the primary (baseline)',
        target: 'primary',
        op: (i) => primaryPool.query(INSERT_PROBE_ROW, [`bench pg write ${i}`]),
      },
    ];
    if ('writer' in fallback) {
      const writer = fallback.writer;
      specs.push({
        name: `fallback-write-${writer.via}`,
        description: `a write whose Prisma route cannot connect, so it goes through ${writer.via}`,
        target: 'primary',
        iterations: used.fallbackIterations,
        concurrency: 1,
        warmup: Math.min(5, used.warmup),
        op: async (i) => {
          const r = await writer.write(`bench fallback write ${i}`);
          if (r.via !== writer.via) throw new Error(`A fallback write went via ${r.via}, not ${writer.via}.`);
        },
      });
    } else {
      skipped.push({ name: 'fallback-write', reason: fallback.unavailable });
    }
    const paths: BenchPathResult[] = [];
    for (const spec of specs) paths.push(await measurePath(spec, log));
    paths.push(
      await measureCommitToVisiblePath(config, options.commitToVisibleSamples ?? Math.min(used.iterations, 500), log),
    );
    return Object.freeze({
      version: BENCH_REPORT_VERSION,
      startedAt,
      finishedAt: new Date().toISOString(),
      options: used,
      environment: await environment(config, seeded.before + seeded.inserted),
      paths,
      skipped,
      ratios: [
        ...ratio(paths, 'Prisma read vs raw pg read', 'prisma-read', 'pg-read'),
        ...ratio(paths, 'Prisma write vs raw pg write', 'prisma-write', 'pg-write'),
        ...ratio(paths, 'Prisma write vs Prisma read', 'prisma-write', 'prisma-read'),
        ...paths
          .filter((p) => p.name.startsWith('fallback-write-'))
          .flatMap((p) => ratio(paths, `${p.name} vs Prisma write`, p.name, 'prisma-write')),
      ],
    });
  } finally {
    await Promise.allSettled([
      client.$disconnect(),
      primaryPool.end(),
      ...standbyPools.map((p) => p.end()),
      'writer' in fallback ? fallback.writer.close() : Promise.resolve(),
    ]);
  }
}

async function measureCommitToVisiblePath(
  config: Config,
  samples: number,
  log: (line: string) => void,
): Promise<BenchPathResult> {
  const standby = config.replicaUrls[0];
  if (standby === undefined) throw new Error('No standby configured: set REPLICA_URLS.');
  log(`commit-to-visible: ${samples} commits, one at a time, polled on standby1`);
  const started = performance.now();
  const results = await measureCommitToVisible({
    primary: config.primaryUrl,
    standby,
    standbyName: 'standby1',
    samples,
    intervalMs: 0,
    data: 'bench commit-to-visible probe',
  });
  const wallMs = performance.now() - started;
  const invisible = results.filter((r) => !r.visible);
  if (invisible.length > 0) {
    throw new Error(`standby1 had replayed the commit LSN but did not show row ${invisible[0]!.id}.`);
  }
  return Object.freeze({
    name: 'commit-to-visible',
    description: 'from a commit returning on the primary until standby1 has replayed its LSN (polled)',
    target: 'primary→standby',
    concurrency: 1,
    ...summarize(results.map((r) => r.visibleAfterMs)),
    opsPerSec: (results.length / wallMs) * 1000,
    wallMs,
  });
}
