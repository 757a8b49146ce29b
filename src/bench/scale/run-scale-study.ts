// `npm run bench -- --scale`: the consistency check's time at growing table sizes, then commit-to-visible at
// growing write rates; afterwards the rows the study wrote are deleted (unless `keep`).
import { deleteAddedRows, maxId } from '../common/added-rows';
import { benchEnvironment } from '../common/bench-environment';
import { COUNT_ROWS } from '../common/seed-rows';
import { type PhasePlan, type ProgressListener, ProgressTracker } from '../common/progress-tracker';
import type { Config } from '../../config';
import { queryOnce } from '../../db/pg-client';
import { syncStandbys } from '../../replication/sync-standbys';
import { measureConsistencyScale } from './consistency-scale';
import { SCALE_FLAGS } from './scale-flags';
import { SCALE_REPORT_VERSION, type ScaleOptionsUsed, type ScaleReport } from './scale-report';
import { measureWriteRateLag } from './write-rate-lag';

/** What the study writes: seeded rows (SEED_ROWS), the background writer's and the probes' rows. */
export const SCALE_ROW_PATTERNS: readonly string[] = ['seed row %', 'scale study %'];

/** The consistency check's target at 1,000,000 rows per node (issue 4, part 4). */
export const CHECK_TARGET = { rows: 1_000_000, ms: 3000 } as const;

export interface ScaleOptions {
  /** Table sizes for the consistency check. Default 10k, 100k, 1M (SCALE_FLAGS holds the defaults). */
  readonly rows?: readonly number[];
  /** Background write rates (writes/s). Default 100, 1000, 5000. */
  readonly rates?: readonly number[];
  /** Seconds of load per rate. Default 5. */
  readonly rateSeconds?: number;
  /** Pause between commit-to-visible probes, in ms. Default 50. */
  readonly probeIntervalMs?: number;
  /** Connections of the background writer. Default 8. */
  readonly writerConnections?: number;
  /** Keep the rows the study added. Default false: they are deleted at the end. */
  readonly keep?: boolean;
  readonly log?: (line: string) => void;
  readonly onProgress?: ProgressListener;
}

async function countRows(config: Config): Promise<number> {
  const [row] = await queryOnce<{ n: string }>(config.primaryUrl, COUNT_ROWS);
  return Number(row?.n ?? 0);
}

/** Runs both series and returns the report; prints nothing (see formatScaleReport). */
export async function runScaleStudy(config: Config, options: ScaleOptions = {}): Promise<ScaleReport> {
  const log = options.log ?? (() => undefined);
  const used: ScaleOptionsUsed = {
    rows: [...(options.rows ?? SCALE_FLAGS.scaleRows.defaultValue)].sort((a, b) => a - b),
    rates: [...(options.rates ?? SCALE_FLAGS.scaleRates.defaultValue)].sort((a, b) => a - b),
    rateSeconds: options.rateSeconds ?? SCALE_FLAGS.rateSeconds.defaultValue,
    probeIntervalMs: options.probeIntervalMs ?? 50,
    writerConnections: options.writerConnections ?? 8,
    keep: options.keep ?? false,
  };
  // Units are rough expected milliseconds on a 2-core machine, so the progress bar's ETA holds across phases.
  const plan: PhasePlan[] = [
    ...used.rows.flatMap((n) => [
      { name: `seeding ${n} rows`, units: 200 + n * 0.01 },
      { name: `checking ${n} rows`, units: 100 + n * 0.003 },
    ]),
    ...used.rates.map((r) => ({ name: `${r} writes/s`, units: used.rateSeconds * 1000 })),
    { name: 'clean-up', units: 1000 },
  ];
  const progress = new ProgressTracker(plan, options.onProgress);
  const startedAt = new Date().toISOString();
  const firstAdded = await maxId(config.primaryUrl);
  const environment = await benchEnvironment(config, await countRows(config));
  let deletedRows = 0;
  const cleanUp = async () => {
    if (used.keep) return;
    log(`deleting the rows the study added (ids above ${firstAdded})`);
    deletedRows += await deleteAddedRows(config.primaryUrl, firstAdded, SCALE_ROW_PATTERNS);
  };
  try {
    const consistency = await measureConsistencyScale(config, used.rows, {
      log,
      onStep: (s) => progress.phase(`${s.stage === 'seed' ? 'seeding' : 'checking'} ${s.rows} rows`),
    });
    // Back to the starting size, so the write rates run on the table the user had.
    await cleanUp();
    let ticker: NodeJS.Timeout | null = null;
    const byRate = await measureWriteRateLag(config, {
      rates: used.rates,
      seconds: used.rateSeconds,
      probeIntervalMs: used.probeIntervalMs,
      writerConnections: used.writerConnections,
      log,
      onRate: (rate) => {
        progress.phase(`${rate} writes/s`);
        const started = Date.now();
        if (ticker) clearInterval(ticker);
        ticker = setInterval(() => progress.set(Date.now() - started), 100);
      },
    }).finally(() => {
      if (ticker) clearInterval(ticker);
    });
    progress.phase('clean-up');
    await cleanUp();
    await syncStandbys(config, { timeoutMs: 300_000 });
    progress.finish();
    return Object.freeze({
      version: SCALE_REPORT_VERSION,
      startedAt,
      finishedAt: new Date().toISOString(),
      options: used,
      environment,
      consistency,
      writeRate: byRate.points,
      lagSeries: byRate.lagSeries,
      cleanup: { deletedRows, finalRows: await countRows(config) },
    });
  } catch (err) {
    // Leave the table as it was found even when a step failed (a failure here is secondary to the first).
    await cleanUp().catch(() => undefined);
    throw err;
  }
}
