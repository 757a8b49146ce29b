// Samples each standby's lag during the run, for the report's lag-over-time charts: bytes from the primary's
// pg_stat_replication, time from the standby's own clock minus its last replayed commit (which the background
// write load keeps meaningful: with commits every few ms, an up-to-date standby shows a few ms).
import { performance } from 'node:perf_hooks';
import type { LagPoint, LagSeries } from '../report/report-data';
import { readReplicationStatus } from '../replication/replication-status';
import { readStandbyStatus } from '../replication/standby-status';
import type { PgTarget } from '../db/pg-client';
import type { BenchNodes } from './bench-nodes';

export interface LagSampler {
  /** Stops sampling (waits for a sample in flight) and returns one series per standby. */
  stop(): Promise<LagSeries[]>;
}

/**
 * Starts sampling every `everyMs`; `tMs` counts from `originMs` (a performance.now() value). `target(node)` is
 * how to reach a node: the local cluster's superuser socket where there is one (no password exchange per
 * sample, so sampling costs the benchmark little CPU), else the node's URL.
 */
export function startLagSampler(
  nodes: BenchNodes,
  everyMs: number,
  originMs: number,
  target: (node: { name: string; url: string }) => PgTarget = (n) => n.url,
): LagSampler {
  const points = new Map<string, LagPoint[]>(nodes.standbys.map((s) => [s.name, []]));
  let inFlight: Promise<void> | null = null;
  const sample = async () => {
    const tMs = Math.round(performance.now() - originMs);
    const [replication, standbys] = await Promise.all([
      readReplicationStatus(target(nodes.primary)).catch(() => []),
      Promise.all(nodes.standbys.map((s) => readStandbyStatus(target(s), s.name).catch(() => null))),
    ]);
    nodes.standbys.forEach((s, i) => {
      const row = replication.find((r) => r.applicationName === s.name);
      const seconds = standbys[i]?.secondsSinceLastReplay ?? null;
      points.get(s.name)!.push({
        tMs,
        lagBytes: row?.replayLagBytes ?? null,
        lagMs: seconds === null ? null : Math.max(0, seconds * 1000),
      });
    });
  };
  const tick = () => {
    // A slow sample is not stacked on: the next tick after it finishes takes the next one.
    if (inFlight) return;
    inFlight = sample().finally(() => {
      inFlight = null;
    });
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await inFlight;
      return nodes.standbys.map((s) => ({ node: s.name, points: points.get(s.name)! }));
    },
  };
}
