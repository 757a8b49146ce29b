// From measured server connections to a fleet's: the connections one process holds per node (the direct runs'
// maximum ÷ processes), and what that comes to at many processes × (primaries + replicas). The options' upper
// bound is set beside it: each process's pools can open at most this many.
import type { ConfigurationResult } from './summarize-configuration';

/** Server connections one process holds on the primary and on one replica (the most loaded replica). */
export interface PerProcessConnections {
  readonly processes: number;
  readonly primary: number;
  readonly replica: number;
}

export interface FleetShape {
  readonly processes: number;
  readonly primaries: number;
  readonly replicas: number;
}

export interface Extrapolation extends FleetShape {
  /** Server connections on the primary: processes × per-process primary figure. */
  readonly perPrimary: number;
  /** Server connections on each replica: processes × per-process replica figure. */
  readonly perReplica: number;
  /** processes × (primaries × primary + replicas × replica). */
  readonly total: number;
}

/** Connections rwsplit's own pools add per node, over the pool size (packages/rwsplit: position and health pools). */
export const POSITION_POOL_MAX = 2;
export const HEALTH_POOL_MAX = 4;

/**
 * The per-process figures of one direct configuration: each node's maximum over the samples ÷ processes; the
 * replica figure is the larger of the replicas'.
 */
export function perProcessConnections(result: ConfigurationResult): PerProcessConnections {
  const [primary, ...replicas] = result.nodes;
  const max = (n: string | undefined) => (n === undefined ? 0 : (result.serverConnections[n]?.max ?? 0));
  return {
    processes: result.processes,
    primary: max(primary) / result.processes,
    replica: Math.max(0, ...replicas.map((n) => max(n))) / result.processes,
  };
}

/** `perProcess` at `shape`: processes × (primaries × primary + replicas × replica). */
export function extrapolateConnections(perProcess: PerProcessConnections, shape: FleetShape): Extrapolation {
  const perPrimary = shape.processes * perProcess.primary;
  const perReplica = shape.processes * perProcess.replica;
  return { ...shape, perPrimary, perReplica, total: shape.primaries * perPrimary + shape.replicas * perReplica };
}

/**
 * The most the options allow at `shape`: each process opens at most primaryPoolSize + 2 position connections on
 * the primary, and replicaPoolSize + 4 health-check connections on each replica.
 */
export function connectionBound(
  pools: { readonly primaryPoolSize: number; readonly replicaPoolSize: number },
  shape: FleetShape,
): Extrapolation {
  return extrapolateConnections(
    {
      processes: 1,
      primary: pools.primaryPoolSize + POSITION_POOL_MAX,
      replica: pools.replicaPoolSize + HEALTH_POOL_MAX,
    },
    shape,
  );
}
