// Ports for the application's throwaway clusters, from this helper's range (25530-25539), among those free right now
// (the picking is the library's test helper's). Below Linux's ephemeral range (32768-60999): a port inside it may be
// held by any process's outgoing connection while a node is down, and PostgreSQL then fails to restart.
import { freePorts as freeOf } from '../../packages/rwsplit/test/helpers/free-ports';

export const THROWAWAY_PORTS = [25530, 25531, 25532, 25533, 25534, 25535, 25536, 25537, 25538, 25539] as const;

/** The first `count` ports of `candidates` that can be bound on 127.0.0.1 now. */
export const freePorts = (count: number, candidates: readonly number[] = THROWAWAY_PORTS): Promise<number[]> =>
  freeOf(count, candidates);
