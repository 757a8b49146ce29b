// pgbench over several nodes at once: the clients split over the nodes (one pgbench per node, all started
// together), combined into one result. For a read workload whose paths spread their reads over every standby, so
// the baseline is measured the same way.
import { summarize } from '../common/percentiles';
import type { BaselineUnavailable, PgbenchOutcome, PgbenchResult } from './baseline-result';
import { type PgbenchOptions, type PgbenchRun, runPgbenchWithLatencies } from './run-pgbench';

/** runPgbench's options, with `urls` (every node to run on) instead of one `url`. */
export type PgbenchSpreadOptions = (PgbenchOptions extends infer T
  ? T extends unknown
    ? Omit<T, 'url'>
    : never
  : never) & {
  readonly urls: readonly string[];
};

/**
 * `total` clients split over `nodes` as evenly as possible, the first nodes taking the remainder; a node that
 * would get none is left out. @example splitClients(5, 2) // [3, 2]
 */
export function splitClients(total: number, nodes: number): number[] {
  const used = Math.min(total, nodes);
  return Array.from({ length: used }, (_, i) => Math.floor(total / used) + (i < total % used ? 1 : 0));
}

/** Runs on several nodes at the same time, combined: ops/s and transactions add up, latencies are pooled. */
function combine(runs: readonly PgbenchRun[]): PgbenchResult {
  const first = runs[0]!.result;
  if (runs.length === 1) return first;
  const all = runs.flatMap((r) => r.latenciesMs);
  const stats = all.length > 0 ? summarize(all) : null;
  const transactions = runs.reduce((s, r) => s + r.result.transactions, 0);
  return {
    ...first,
    target: runs.map((r) => `${r.result.target} (${r.result.clients} clients)`).join(' + '),
    argv: first.argv,
    clients: runs.reduce((s, r) => s + r.result.clients, 0),
    transactions,
    failed: runs.reduce((s, r) => s + r.result.failed, 0),
    durationMs: Math.max(...runs.map((r) => r.result.durationMs)),
    opsPerSec: runs.reduce((s, r) => s + r.result.opsPerSec, 0),
    // pgbench's own averages, weighted by each run's transactions.
    meanMs: transactions > 0 ? runs.reduce((s, r) => s + r.result.meanMs * r.result.transactions, 0) / transactions : 0,
    p50Ms: stats?.p50Ms ?? null,
    p95Ms: stats?.p95Ms ?? null,
    p99Ms: stats?.p99Ms ?? null,
    parts: runs.map((r) => ({
      target: r.result.target,
      clients: r.result.clients,
      transactions: r.result.transactions,
      opsPerSec: r.result.opsPerSec,
    })),
  };
}

/**
 * Splits `clients` over `urls` and runs pgbench on each node at the same time, e.g. 4 clients over two standbys
 * as 2 + 2. Returns the combined figures (each node's share in `parts`), or `unavailable` when pgbench is
 * missing; throws when a run fails, like runPgbench.
 * @example await runPgbenchSpread({ urls: config.replicaUrls, sql: LATEST_ROWS_SQL, clients: 4, seconds: 5 })
 */
export async function runPgbenchSpread(options: PgbenchSpreadOptions): Promise<PgbenchOutcome> {
  if (options.urls.length === 0) throw new Error('runPgbenchSpread needs at least one node URL.');
  const { urls, ...common } = options;
  const shares = splitClients(options.clients, urls.length);
  const settled = await Promise.allSettled(
    shares.map((clients, i) => runPgbenchWithLatencies({ ...common, clients, url: urls[i]! } as PgbenchOptions)),
  );
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) {
    const inner = failure.reason instanceof Error ? failure.reason.message : String(failure.reason);
    throw new Error(`pgbench split over ${shares.length} nodes failed: ${inner}`, { cause: failure.reason });
  }
  const outcomes = settled.map((s) => (s as PromiseFulfilledResult<PgbenchRun | BaselineUnavailable>).value);
  const unavailable = outcomes.find((o): o is BaselineUnavailable => 'status' in o && o.status === 'unavailable');
  if (unavailable) return unavailable;
  return combine(outcomes as PgbenchRun[]);
}
