// The routed client over the Patroni cluster: createRwsplit with Patroni as its only source of nodes (members,
// leader and replicas all come from GET /cluster), and short intervals, so that a leader change or a new member is
// followed within about a second.
import { createRwsplit, patroniTopology, type Rwsplit, type RwsplitOptions } from '../../src';
import { PrismaClient } from '../fixture/generated/client';
import type { HaCluster } from './cluster-kit';

export interface HaRwsplitOptions extends Partial<
  Omit<RwsplitOptions<typeof PrismaClient>, 'PrismaClient' | 'topology' | 'primaryUrl' | 'replicaUrls'>
> {
  /** How often /cluster is re-read, in ms. Default 500: a test must see a new member within seconds. */
  readonly refreshIntervalMs?: number;
}

export function createHaRwsplit(ha: HaCluster, options: HaRwsplitOptions = {}): Promise<Rwsplit<PrismaClient>> {
  const { refreshIntervalMs = 500, ...rest } = options;
  return createRwsplit({
    PrismaClient,
    topology: patroniTopology({
      restUrls: ha.restUrls,
      databaseUrl: ha.databaseUrl,
      refreshIntervalMs,
      requestTimeoutMs: 1000,
    }),
    checkIntervalMs: [300, 500],
    connectTimeoutMs: 1000,
    ...rest,
  });
}
