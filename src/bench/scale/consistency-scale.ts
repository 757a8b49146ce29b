// How the consistency check's time grows with the table: top the table up to each size (in SQL), let the
// standbys replay it, then time compareTable (src/table-checksums) on every node, and commit-to-visible on standby1
// at that size.
import { performance } from 'node:perf_hooks';
import { topUpRows } from '../common/seed-rows';
import type { Config } from '../../config';
import { compareTable } from '../../table-checksums/table-comparison';
import { syncStandbys } from '../../replication/sync-standbys';
import { summarize } from '../common/percentiles';
import { pacedCommitToVisible } from './paced-probes';
import type { ConsistencyScalePoint } from './scale-report';

export interface ConsistencyScaleHooks {
  /** Called before seeding and before checking each size. */
  readonly onStep?: (step: { readonly rows: number; readonly stage: 'seed' | 'check' }) => void;
  readonly log?: (line: string) => void;
}

/** How long the standbys may take to replay a seeded size (1M rows replay in seconds on loopback). */
const SYNC_TIMEOUT_MS = 300_000;

/** Commit-to-visible probing at each size: one probe every 10 ms for a second (about 100 probes). */
const PROBE = { durationMs: 1000, everyMs: 10 } as const;

/** Measures the check at each size, smallest first (the table only grows between steps). */
export async function measureConsistencyScale(
  config: Config,
  sizes: readonly number[],
  hooks: ConsistencyScaleHooks = {},
): Promise<ConsistencyScalePoint[]> {
  const points: ConsistencyScalePoint[] = [];
  for (const requestedRows of [...sizes].sort((a, b) => a - b)) {
    hooks.onStep?.({ rows: requestedRows, stage: 'seed' });
    const seedStarted = performance.now();
    const seeded = await topUpRows(config.primaryUrl, requestedRows);
    await syncStandbys(config, { timeoutMs: SYNC_TIMEOUT_MS });
    const seedMs = performance.now() - seedStarted;
    hooks.log?.(`${seeded.before + seeded.inserted} rows (${seeded.inserted} seeded in ${Math.round(seedMs)} ms)`);

    hooks.onStep?.({ rows: requestedRows, stage: 'check' });
    const check = await compareTable(config, { syncTimeoutMs: SYNC_TIMEOUT_MS });
    const standby = config.replicaUrls[0];
    if (standby === undefined) throw new Error('No standby configured: set REPLICA_URLS.');
    const visible = summarize(await pacedCommitToVisible({ primary: config.primaryUrl, standby, ...PROBE }));
    const point: ConsistencyScalePoint = {
      requestedRows,
      rows: check.primary.rows,
      seedMs,
      checkMs: check.elapsedMs,
      slowestNodeMs: Math.max(check.primary.checksumMs, ...check.standbys.map((s) => s.checksumMs)),
      chunks: check.chunks,
      equal: check.equal,
      commitToVisible: { samples: visible.samples, p50Ms: visible.p50Ms, p99Ms: visible.p99Ms },
    };
    hooks.log?.(`check of ${point.rows} rows: ${Math.round(point.checkMs)} ms (${point.chunks} chunks)`);
    points.push(point);
  }
  return points;
}
