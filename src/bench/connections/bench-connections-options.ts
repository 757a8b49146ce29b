// The connection bench's defaults and constants (its flags: connections-flags.ts).
import type { Via } from './via';

export const BENCH_CONNECTIONS_DEFAULTS = Object.freeze({
  via: Object.freeze(['direct', 'pgbouncer'] as Via[]),
  processes: Object.freeze([1, 4, 16]),
  seconds: 10,
  concurrency: 4,
  sessionEveryMs: 100,
  warmupSeconds: 5,
  sampleMs: 1000,
});

/**
 * The bench's PgBouncers listen at each node's port + this (16532, 16533, 16534 for the default cluster), away from
 * those of `cluster:up -- --pgbouncer` (+1000), so a user's own PgBouncers are neither reused nor stopped.
 */
export const PGBOUNCER_BENCH_PORT_OFFSET = 1100;

/** What the README extrapolates the per-process figures to: 100 processes × (1 primary + 10 replicas). */
export const EXTRAPOLATION = Object.freeze({ processes: 100, primaries: 1, replicas: 10 });
