// The connection bench's options and their defaults (`npm run bench:connections -- --help` lists them).
import type { Via } from './via-option';

export interface ConnectionsBenchOptions {
  /** Direct to PostgreSQL, through one PgBouncer per node, or both, in this order. */
  readonly via: readonly Via[];
  /** Application processes per configuration, each with its own rwsplit, in this order. */
  readonly processes: readonly number[];
  /** How long every configuration's load runs, once all its processes are ready, in s. */
  readonly seconds: number;
  /** Eventual reads in flight per process, outside any session. */
  readonly concurrency: number;
  /** A read-your-writes session (a create, then a read) starts this often per process, in ms. */
  readonly sessionEveryMs: number;
  /** How long each process runs the same load, uncounted, before it says ready, in s. */
  readonly warmupSeconds: number;
  /** How often the servers and PgBouncers are sampled while the load runs, in ms. */
  readonly sampleMs: number;
  /** The bench's own PgBouncers' ports, one per node (default each node's port + PGBOUNCER_BENCH_PORT_OFFSET). */
  readonly pgbouncerPorts?: readonly number[];
}

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
