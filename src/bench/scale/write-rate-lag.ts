// How commit-to-visible grows with the write rate: for each rate, a paced background writer runs for a few
// seconds while paced probes time commit-to-visible on standby1 and the lag sampler watches every standby.
import { performance } from 'node:perf_hooks';
import { startLagSampler } from '../common/lag-sampler';
import { summarize } from '../common/percentiles';
import type { Config } from '../../config';
import type { LagPoint, LagSeries } from '../report/report-data';
import { syncStandbys } from '../../replication/sync-standbys';
import { startPacedWriter } from './paced-writer';
import { pacedCommitToVisible } from './paced-probes';
import type { WriteRatePoint } from './scale-report';

export interface WriteRateOptions {
  readonly rates: readonly number[];
  /** Seconds of load per rate. */
  readonly seconds: number;
  /** Pause between probes, in ms. Default 50. */
  readonly probeIntervalMs?: number;
  /** Background writer connections. Default 8. */
  readonly writerConnections?: number;
  /** Called when each rate starts. */
  readonly onRate?: (rate: number) => void;
  readonly log?: (line: string) => void;
}

const maxOf = (values: readonly (number | null)[]) => {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? Math.max(...known) : null;
};

export interface WriteRateLag {
  /** One point per rate, lowest rate first. */
  readonly points: readonly WriteRatePoint[];
  /** Each standby's lag over the whole series (tMs from its start; a gap between rates). */
  readonly lagSeries: readonly LagSeries[];
}

/** Appends one rate's lag samples to the whole series, shifted by `offsetMs`, after a gap point (null). */
function appendLag(all: Map<string, LagPoint[]>, part: readonly LagSeries[], offsetMs: number): void {
  for (const s of part) {
    const points = all.get(s.node) ?? [];
    const first = s.points[0];
    if (points.length > 0 && first) points.push({ tMs: first.tMs + offsetMs - 1, lagBytes: null, lagMs: null });
    points.push(...s.points.map((p) => ({ ...p, tMs: p.tMs + offsetMs })));
    all.set(s.node, points);
  }
}

/** Measures each rate in turn (lowest first); the standbys catch up between rates. */
export async function measureWriteRateLag(config: Config, options: WriteRateOptions): Promise<WriteRateLag> {
  const standby = config.replicaUrls[0];
  if (standby === undefined) throw new Error('No standby configured: set REPLICA_URLS.');
  const points: WriteRatePoint[] = [];
  const lagSeries = new Map<string, LagPoint[]>();
  const started = performance.now();
  for (const rate of [...options.rates].sort((a, b) => a - b)) {
    options.onRate?.(rate);
    await syncStandbys(config, { timeoutMs: 120_000 });
    const offsetMs = performance.now() - started;
    const sampler = await startLagSampler({ primary: config.primaryUrl });
    const writer = startPacedWriter({
      url: config.primaryUrl,
      ratePerSec: rate,
      ...(options.writerConnections ? { connections: options.writerConnections } : {}),
    });
    const probed = await pacedCommitToVisible({
      primary: config.primaryUrl,
      standby,
      durationMs: options.seconds * 1000,
      ...(options.probeIntervalMs ? { everyMs: options.probeIntervalMs } : {}),
    }).then(
      (samples) => ({ samples }),
      (error: unknown) => ({ error }),
    );
    // Stop both whatever happened, then report the first failure.
    const [stopped, lagged] = await Promise.allSettled([writer.stop(), sampler.stop()]);
    if ('error' in probed)
      throw new Error(`Commit-to-visible probes at ${rate} writes/s failed.`, { cause: probed.error });
    if (stopped.status === 'rejected') throw stopped.reason;
    if (lagged.status === 'rejected') throw lagged.reason;
    const written = stopped.value;
    const lag = lagged.value;
    appendLag(lagSeries, lag, offsetMs);
    const samples = probed.samples;
    const stats = summarize(samples);
    const point: WriteRatePoint = {
      targetRate: rate,
      achievedRate: written.achievedRate,
      writes: written.writes,
      seconds: written.elapsedMs / 1000,
      samples: stats.samples,
      p50Ms: stats.p50Ms,
      p95Ms: stats.p95Ms,
      p99Ms: stats.p99Ms,
      meanMs: stats.meanMs,
      maxMs: stats.maxMs,
      maxLagBytes: maxOf(lag.flatMap((s) => s.points.map((p) => p.lagBytes))),
      maxLagMs: maxOf(lag.flatMap((s) => s.points.map((p) => p.lagMs))),
    };
    options.log?.(
      `${rate} writes/s (achieved ${Math.round(point.achievedRate)}): commit-to-visible p50 ` +
        `${point.p50Ms.toFixed(2)} ms, p99 ${point.p99Ms.toFixed(2)} ms over ${point.samples} probes`,
    );
    points.push(point);
  }
  return { points, lagSeries: [...lagSeries.entries()].map(([node, p]) => ({ node, points: p })) };
}
