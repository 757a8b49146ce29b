// The raw `pg` baseline: the same SQL through a plain pg Pool from Node (no Prisma), same concurrency, so the
// report can say how much of a path's cost is Prisma and routing rather than the driver and the server.
import pg from 'pg';
import { maskUrl } from '../config';
import { measureLatency } from '../bench/measure-latency';
import { summarize } from '../bench/percentiles';
import type { RawPgResult } from './baseline-result';

export interface RawPgOptions {
  /** The node to run against. */
  readonly url: string;
  /** One SQL statement, with `$1`… placeholders for `params`. */
  readonly sql: string;
  readonly params?: readonly unknown[];
  /** Pool size and parallel workers. */
  readonly clients: number;
  /** Measured queries in total (spread over the workers). */
  readonly iterations: number;
  /** Unmeasured queries first, to open every connection. Default `clients`. */
  readonly warmup?: number;
}

/**
 * Runs `sql` `iterations` times through a pg Pool of `clients` connections with `clients` workers, and returns
 * ops/s and per-query latency percentiles. A failing query fails the run with its own error.
 * @example await runRawPg({ url: config.replicaUrls[0], sql: 'SELECT 1', clients: 8, iterations: 10_000 })
 */
export async function runRawPg(options: RawPgOptions): Promise<RawPgResult> {
  for (const [what, value] of [
    ['clients', options.clients],
    ['iterations', options.iterations],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`${what} must be a whole number >= 1, got ${value}.`);
  }
  const pool = new pg.Pool({ connectionString: options.url, max: options.clients, application_name: 'rwsplit-raw-pg' });
  // A connection the server drops while idle emits 'error' on the pool; the next query reports it.
  pool.on('error', () => undefined);
  const params = options.params ? [...options.params] : undefined;
  try {
    const { samplesMs, wallMs } = await measureLatency(() => pool.query(options.sql, params), {
      iterations: options.iterations,
      concurrency: options.clients,
      warmup: options.warmup ?? options.clients,
    });
    const stats = summarize(samplesMs);
    return {
      status: 'ok',
      tool: 'raw-pg',
      target: maskUrl(options.url),
      clients: options.clients,
      transactions: stats.samples,
      durationMs: wallMs,
      opsPerSec: wallMs > 0 ? (stats.samples / wallMs) * 1000 : 0,
      meanMs: stats.meanMs,
      p50Ms: stats.p50Ms,
      p95Ms: stats.p95Ms,
      p99Ms: stats.p99Ms,
    };
  } catch (cause) {
    throw new Error(
      `Raw pg baseline against ${maskUrl(options.url)} failed. Check that the node is up and the SQL runs.`,
      {
        cause,
      },
    );
  } finally {
    await pool.end();
  }
}
