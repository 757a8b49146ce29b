// The two paths measured one call at a time, after the rounds: writes through the psql fallback (a process per
// write), and commit-to-visible (a commit on the primary, then polling a standby until it has replayed it).
import { performance } from 'node:perf_hooks';
import type { Config } from '../../config';
import { measureCommitToVisible } from '../../replication/commit-to-visible';
import type { BenchPathResult } from './bench-report';
import { PATH } from './bench-paths';
import type { FallbackWriter } from './fallback-writer';
import { measureLatency } from '../common/measure-latency';
import { pathResult } from './path-result';

/** Progress callback: `calls` more calls are done. */
export type Advance = (calls: number) => void;

/** Writes through the fallback writer `iterations` times (after `warmup`), one at a time. */
export async function measureFallbackPath(
  writer: FallbackWriter,
  iterations: number,
  warmup: number,
  advance: Advance,
): Promise<BenchPathResult> {
  try {
    const m = await measureLatency(
      async (i) => {
        const r = await writer.write(`bench fallback write ${i}`);
        if (r.via !== writer.via) throw new Error(`A fallback write went via ${r.via}, not ${writer.via}.`);
        advance(1);
      },
      { iterations, warmup, concurrency: 1 },
    );
    return pathResult(
      {
        name: `${PATH.fallbackWritePrefix}${writer.via}`,
        description: `a write whose Prisma route cannot connect, so it goes through ${writer.via}`,
        target: 'primary',
        workload: 'write',
        concurrency: 1,
      },
      m.samplesMs,
      m.wallMs,
    );
  } catch (cause) {
    throw new Error(`Bench path fallback-write-${writer.via} failed; nothing was reported for it.`, { cause });
  }
}

/** Commits a probe row `samples` times and times each until standby1 has replayed it (in batches, for progress). */
export async function measureCommitToVisiblePath(
  config: Config,
  samples: number,
  advance: Advance,
): Promise<BenchPathResult> {
  const standby = config.replicaUrls[0];
  if (standby === undefined) throw new Error('No standby configured: set REPLICA_URLS.');
  const batch = Math.max(1, Math.ceil(samples / 20));
  const visibleAfterMs: number[] = [];
  let wallMs = 0;
  while (visibleAfterMs.length < samples) {
    const n = Math.min(batch, samples - visibleAfterMs.length);
    const started = performance.now();
    const results = await measureCommitToVisible({
      primary: config.primaryUrl,
      standby,
      standbyName: 'standby1',
      samples: n,
      intervalMs: 0,
      data: 'bench commit-to-visible probe',
    });
    wallMs += performance.now() - started;
    const invisible = results.find((r) => !r.visible);
    if (invisible) throw new Error(`standby1 had replayed the commit LSN but did not show row ${invisible.id}.`);
    visibleAfterMs.push(...results.map((r) => r.visibleAfterMs));
    advance(n);
  }
  return pathResult(
    {
      name: PATH.commitToVisible,
      description: 'from a commit returning on the primary until standby1 has replayed its LSN (polled)',
      target: 'primary→standby',
      concurrency: 1,
    },
    visibleAfterMs,
    wallMs,
  );
}
