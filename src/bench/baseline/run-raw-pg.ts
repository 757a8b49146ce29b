// The raw `pg` baseline: the same SQL through a plain pg Pool from Node (no Prisma), same concurrency, so the
// report can say how much of a path's cost is Prisma and routing rather than the driver and the server.
import pg from 'pg';
import { maskUrl } from '../../config';
import { measureLatency } from '../common/measure-latency';
import { summarize } from '../common/percentiles';
import type { RawPgResult } from './baseline-result';

export interface RawPgOptions {
  /**
   * The node to run against, or several used in turn (query i on node i mod n, one Pool of `clients` each), as
   * the read paths spread their reads over the standbys.
   */
  readonly url: string | readonly string[];
  /** One SQL statement, with `$1`… placeholders for `params`. */
  readonly sql: string;
  /** The bind values, the same for every query or per query (`i` counts from 0, warm-up included). */
  readonly params?: readonly unknown[] | ((i: number) => readonly unknown[]);
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
  const urls = typeof options.url === 'string' ? [options.url] : options.url;
  if (urls.length === 0) throw new RangeError('runRawPg needs at least one node URL.');
  const target = urls.map(maskUrl).join(' + ');
  const pools = urls.map((url) => {
    const pool = new pg.Pool({ connectionString: url, max: options.clients, application_name: 'rwsplit-raw-pg' });
    // A connection the server drops while idle emits 'error' on the pool; the next query reports it.
    pool.on('error', () => undefined);
    return pool;
  });
  const given = options.params;
  const paramsOf = (i: number): unknown[] | undefined =>
    given === undefined ? undefined : typeof given === 'function' ? [...given(i)] : [...given];
  try {
    const { samplesMs, wallMs } = await measureLatency(
      (i) => pools[i % pools.length]!.query(options.sql, paramsOf(i)),
      {
        iterations: options.iterations,
        concurrency: options.clients,
        warmup: options.warmup ?? options.clients,
      },
    );
    const stats = summarize(samplesMs);
    return {
      status: 'ok',
      tool: 'raw-pg',
      target,
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
    throw new Error(`Raw pg baseline against ${target} failed. Check that the node is up and the SQL runs.`, {
      cause,
    });
  } finally {
    await Promise.all(pools.map((p) => p.end()));
  }
}
