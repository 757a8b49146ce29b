// The clients the bench measures side by side, opened once for the whole run: the bare read-replicas extension,
// the rwsplit router (health checks in the background), the router with Prometheus metrics on, and raw pg pools.
import pg from 'pg';
import type { Config } from '../../config';
import { createAppMetrics, type AppMetrics } from '../../metrics/app-metrics';
import { fanOut } from 'rwsplit';
import { createReplicatedClient, type ReplicatedClient } from '../../db/replicated-client';
import { createRwsplitFromConfig, type AppRwsplit } from '../../db/app-rwsplit';
import { createReadCounter, type ReadCounter } from '../../monitor/read-counter';

export interface BenchClients {
  /** `createReplicatedClient`: @prisma/extension-read-replicas alone (random replica, no health checks). */
  readonly extension: ReplicatedClient;
  /** `createRwsplitFromConfig` in eventual mode; its onEvent only counts reads per node. */
  readonly router: AppRwsplit;
  /** The same router with `createAppMetrics().listener` on its onEvent too: the cost of metrics is the difference. */
  readonly routerWithMetrics: AppRwsplit;
  readonly metrics: AppMetrics;
  /** Reads both routers served, per node (from their `query` events). */
  readonly reads: ReadCounter;
  /** Raw pg on the primary, and one pool per standby (used in turn). */
  readonly primaryPool: pg.Pool;
  readonly standbyPools: readonly pg.Pool[];
  close(): Promise<void>;
}

function pool(url: string, size: number): pg.Pool {
  const p = new pg.Pool({ connectionString: url, max: size, application_name: 'rwsplit-bench' });
  // An idle connection the server drops emits 'error' on the pool; the next query reports the failure.
  p.on('error', () => undefined);
  return p;
}

/** Pool size per node of every Prisma client: createReplicatedClient's fixed size, so all paths get the same. */
export const PRISMA_POOL_SIZE = 10;

/** Opens every client; raw pg pools hold `concurrency` connections (at most PRISMA_POOL_SIZE is useful). */
export async function openBenchClients(config: Config, concurrency: number): Promise<BenchClients> {
  const reads = createReadCounter();
  const metrics = createAppMetrics();
  const extension = createReplicatedClient(config);
  const opened: { close(): Promise<unknown> }[] = [
    { close: () => Promise.all([extension.parts.primary, ...extension.parts.replicas].map((c) => c.$disconnect())) },
  ];
  const closeAll = () => Promise.allSettled(opened.map((o) => o.close()));
  try {
    const routerOptions = { consistency: 'eventual' as const, poolSize: PRISMA_POOL_SIZE };
    const router = await createRwsplitFromConfig(config, { ...routerOptions, onEvent: reads.listener });
    opened.push(router);
    const routerWithMetrics = await createRwsplitFromConfig(config, {
      ...routerOptions,
      onEvent: fanOut(metrics.listener, reads.listener),
    });
    opened.push(routerWithMetrics);
    const primaryPool = pool(config.primaryUrl, concurrency);
    const standbyPools = config.replicaUrls.map((url) => pool(url, concurrency));
    for (const p of [primaryPool, ...standbyPools]) opened.push({ close: () => p.end() });
    return {
      extension: extension.client,
      router,
      routerWithMetrics,
      metrics,
      reads,
      primaryPool,
      standbyPools,
      close: async () => {
        await closeAll();
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
