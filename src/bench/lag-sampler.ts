// Samples each standby's replay lag every ~100 ms while the bench runs: the report's "lag over time".
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { PgTarget } from '../db/pg-client';
import { REPLICATION_STATUS } from '../replication/queries';
import type { LagPoint, LagSeries } from '../report/report-data';

/** One standby's lag as the primary sees it (pg_stat_replication). */
export interface LagReading {
  /** The standby's application_name (the local cluster's node name, e.g. `standby1`). */
  readonly node: string;
  readonly lagBytes: number | null;
  readonly lagMs: number | null;
}

export interface LagSamplerOptions {
  /** The primary. */
  readonly primary: PgTarget;
  /** Pause between samples, in ms. Default 100. */
  readonly intervalMs?: number;
  /** Clock in ms; tMs counts from the sampler's start. Default performance.now. */
  readonly now?: () => number;
}

export interface LagSampler {
  /** Stops sampling and returns one series per standby seen, in name order. */
  stop(): Promise<LagSeries[]>;
}

interface Row {
  application_name: string;
  replay_lag_bytes: number | null;
  replay_lag_seconds: number | null;
}

/**
 * Reads REPLICATION_STATUS (the snapshot SQL of readReplicationStatus) on one connection held for the whole run:
 * a connection per sample would fork a backend on the primary ten times a second, in the middle of the
 * measurement. lagMs is PostgreSQL's replay_lag, which is null while nothing new is being written.
 * A failed sample is recorded as unknown (nulls) rather than stopping the bench.
 */
export async function startLagSampler(options: LagSamplerOptions): Promise<LagSampler> {
  const intervalMs = options.intervalMs ?? 100;
  const now = options.now ?? (() => performance.now());
  const config: pg.ClientConfig =
    typeof options.primary === 'string' ? { connectionString: options.primary } : { ...options.primary };
  const client = new pg.Client({ ...config, application_name: 'rwsplit-bench-lag' });
  client.on('error', () => undefined);
  await client.connect();
  const started = now();
  const series = new Map<string, LagPoint[]>();
  const record = (tMs: number, readings: readonly LagReading[]) => {
    for (const r of readings) {
      const points = series.get(r.node) ?? [];
      points.push({ tMs, lagBytes: r.lagBytes, lagMs: r.lagMs });
      series.set(r.node, points);
    }
  };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const tMs = now() - started;
      try {
        const { rows } = await client.query<Row>(REPLICATION_STATUS);
        record(
          tMs,
          rows.map((r) => ({
            node: r.application_name,
            lagBytes: r.replay_lag_bytes,
            lagMs: r.replay_lag_seconds === null ? null : r.replay_lag_seconds * 1000,
          })),
        );
      } catch {
        record(
          tMs,
          [...series.keys()].map((node) => ({ node, lagBytes: null, lagMs: null })),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      await client.end().catch(() => undefined);
      return [...series.keys()].sort().map((node) => ({ node, points: series.get(node)! }));
    },
  };
}
