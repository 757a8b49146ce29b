// `npm run demo`: the seed's three parts on the configured servers, printed section by section.
import { performance } from 'node:perf_hooks';
import type { Config } from '../config';
import { ensureReady } from '../cluster/cluster-commands';
import { createReplicatedClient } from '../db/replicated-client';
import { WriterService } from '../writer/writer-service';
import { type BasicDemoResult, runBasicDemo } from './basic-demo';
import { type ConsistencyCheckResult, runConsistencyCheck } from './consistency-check';
import type { DemoContext } from './demo-context';
import { formatBasicDemo, formatConsistencyCheck, formatPerformanceTest, heading } from './format-demo';
import { type PerformanceTestResult, runPerformanceTest } from './performance-test';

export interface DemoOptions {
  /** Rows the consistency check writes. Default 100. */
  readonly rows?: number;
  /** Reads and writes the performance test measures, each. Default 200. */
  readonly iterations?: number;
  /** Receives each finished section's text. Default: silent. */
  readonly print?: (text: string) => void;
}

export interface DemoResult {
  readonly basic: BasicDemoResult;
  readonly performance: PerformanceTestResult;
  readonly consistency: ConsistencyCheckResult;
  readonly elapsedMs: number;
}

/**
 * Makes the configured servers ready: with no DATABASE_URL the local cluster is created or started and
 * migrated; otherwise the configured primary is only migrated.
 */
export async function prepareDemo(config: Config, log: (line: string) => void = () => undefined): Promise<void> {
  log(
    config.usesLocalCluster
      ? `local cluster in ${config.cluster.dir}: starting it if needed, then migrating`
      : 'DATABASE_URL is set: migrating the configured primary',
  );
  const result = await ensureReady(config, (line) => log(`  ${line}`));
  log(`migrations: ${result.applied.length ? result.applied.join(', ') : 'up to date'} (${result.via})`);
}

/** Runs the three parts with clients of its own, and closes them whatever happens. */
export async function runDemo(config: Config, options: DemoOptions = {}): Promise<DemoResult> {
  const print = options.print ?? (() => undefined);
  const started = performance.now();
  const { client } = createReplicatedClient(config);
  const writer = new WriterService(config);
  const ctx: DemoContext = { config, client, writer, runId: `run ${process.pid}-${Date.now().toString(36)}` };
  try {
    const basic = await runBasicDemo(ctx);
    print(formatBasicDemo(basic));
    const perf = await runPerformanceTest(ctx, { iterations: options.iterations });
    print(formatPerformanceTest(perf));
    const consistency = await runConsistencyCheck(ctx, options.rows);
    print(formatConsistencyCheck(consistency));
    const elapsedMs = performance.now() - started;
    print(`${heading('done')}\nfinished in ${(elapsedMs / 1000).toFixed(1)} s`);
    return Object.freeze({ basic, performance: perf, consistency, elapsedMs });
  } finally {
    await Promise.allSettled([client.$disconnect(), writer.close()]);
  }
}
