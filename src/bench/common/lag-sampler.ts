// Samples each standby's replay lag every ~100 ms while a benchmark runs: the report's "lag over time". One
// sampler for every benchmark (`bench`, `bench --scale`, `bench:consistency`).
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { PgTarget } from '../../db/pg-client';
import { REPLICATION_STATUS, STANDBY_STATUS } from '../../replication/queries';
import type { LagPoint, LagSeries } from '../report/report-data';

/** One standby's lag at one sample. */
export interface LagReading {
  /** The standby's application_name (the local cluster's node name, e.g. `standby1`). */
  readonly node: string;
  readonly lagBytes: number | null;
  readonly lagMs: number | null;
}

/** A standby the sampler asks itself, under the name its series gets (its application_name on the primary). */
export interface SampledStandby {
  readonly name: string;
  readonly target: PgTarget;
}

export interface LagSamplerOptions {
  /** The primary. */
  readonly primary: PgTarget;
  /**
   * The standbys to ask themselves, each on a connection of its own held for the run. Their series come in this
   * order, and lagMs is the standby's own clock minus its last replayed commit: under a steady write load (as
   * bench:consistency keeps up) that is the lag, and it grows while replay is paused, where replay_lag does not
   * move. Default: none; the standbys are those pg_stat_replication lists, and lagMs is its replay_lag (null
   * while nothing new is being written).
   */
  readonly standbys?: readonly SampledStandby[];
  /** Pause between samples, in ms. Default 100. */
  readonly intervalMs?: number;
  /** Clock in ms. Default performance.now. */
  readonly now?: () => number;
  /** The clock value tMs counts from. Default: the sampler's start. */
  readonly originMs?: number;
}

export interface LagSampler {
  /** Stops sampling (waits for a sample in flight) and returns one series per standby. */
  stop(): Promise<LagSeries[]>;
}

interface ReplicationRow {
  application_name: string;
  replay_lag_bytes: number | null;
  replay_lag_seconds: number | null;
}

const clientConfig = (target: PgTarget): pg.ClientConfig =>
  typeof target === 'string' ? { connectionString: target } : { ...target };

/** A connection opened on first use and again after a failure, so a standby that was down is sampled once back. */
class HeldConnection {
  private client: pg.Client | null = null;
  constructor(private readonly config: pg.ClientConfig) {}

  async query<R extends pg.QueryResultRow>(sql: string): Promise<R[]> {
    try {
      if (!this.client) {
        const client = new pg.Client({ ...this.config, application_name: 'rwsplit-bench-lag' });
        client.on('error', () => undefined);
        this.client = client;
        await client.connect();
      }
      return (await this.client.query<R>(sql)).rows;
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}

/**
 * Reads REPLICATION_STATUS (the snapshot SQL of readReplicationStatus) on one connection to the primary, and
 * STANDBY_STATUS on one per given standby, all held for the whole run: a connection per sample would fork a
 * backend ten times a second, in the middle of the measurement. A failed sample is recorded as unknown (nulls)
 * rather than stopping the bench. Throws when the primary refuses the first connection.
 */
export async function startLagSampler(options: LagSamplerOptions): Promise<LagSampler> {
  const intervalMs = options.intervalMs ?? 100;
  const now = options.now ?? (() => performance.now());
  const primary = new HeldConnection(clientConfig(options.primary));
  await primary.query('SELECT 1');
  const standbys = (options.standbys ?? []).map((s) => ({
    name: s.name,
    held: new HeldConnection(clientConfig(s.target)),
  }));
  const origin = options.originMs ?? now();
  const series = new Map<string, LagPoint[]>(standbys.map((s) => [s.name, []]));
  const record = (tMs: number, readings: readonly LagReading[]) => {
    for (const r of readings) {
      const points = series.get(r.node) ?? [];
      points.push({ tMs, lagBytes: r.lagBytes, lagMs: r.lagMs });
      series.set(r.node, points);
    }
  };
  const sample = async (tMs: number) => {
    const [replication, own] = await Promise.all([
      primary.query<ReplicationRow>(REPLICATION_STATUS).catch(() => null),
      Promise.all(
        standbys.map((s) =>
          s.held
            .query<{ seconds_since_last_replay: number | null }>(STANDBY_STATUS)
            .then((rows) => rows[0]?.seconds_since_last_replay ?? null)
            .catch(() => null),
        ),
      ),
    ]);
    if (standbys.length > 0) {
      record(
        tMs,
        standbys.map((s, i) => {
          const seconds = own[i] ?? null;
          return {
            node: s.name,
            lagBytes: replication?.find((r) => r.application_name === s.name)?.replay_lag_bytes ?? null,
            lagMs: seconds === null ? null : Math.max(0, seconds * 1000),
          };
        }),
      );
    } else if (replication) {
      record(
        tMs,
        replication.map((r) => ({
          node: r.application_name,
          lagBytes: r.replay_lag_bytes,
          lagMs: r.replay_lag_seconds === null ? null : r.replay_lag_seconds * 1000,
        })),
      );
    } else {
      record(
        tMs,
        [...series.keys()].map((node) => ({ node, lagBytes: null, lagMs: null })),
      );
    }
  };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await sample(now() - origin);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      await Promise.all([primary.close(), ...standbys.map((s) => s.held.close())]);
      const names = standbys.length > 0 ? standbys.map((s) => s.name) : [...series.keys()].sort();
      return names.map((node) => ({ node, points: series.get(node)! }));
    },
  };
}
