// The routed client of the demo's schema over the HA cluster: rwsplit's own createRwsplit with Patroni as the
// topology source (no fixed URLs: members, leader and replicas all come from GET /cluster).
import { createRwsplit, patroniTopology, type Rwsplit, type RwsplitOptions } from 'rwsplit';
import { PrismaClient } from '../../generated/prisma/client';

/** The routed client the HA tests and bench use. */
export type HaRwsplit = Rwsplit<PrismaClient>;

export interface HaRwsplitOptions extends Partial<
  Omit<RwsplitOptions<typeof PrismaClient>, 'PrismaClient' | 'topology' | 'primaryUrl'>
> {
  /** Every member's REST base URL. */
  readonly restUrls: readonly string[];
  /** The app user's URL on any member (credentials and database; hosts come from Patroni). */
  readonly databaseUrl: string;
  /** How often /cluster is re-read, in ms. Default 500: a test must see a new member within seconds. */
  readonly refreshIntervalMs?: number;
  /** One REST call's bound, in ms. Default 1000. */
  readonly requestTimeoutMs?: number;
}

/**
 * createRwsplit with patroniTopology and short intervals (checks every 300-500 ms, 1 s connect timeout), so a
 * leader change or a new member is followed within about a second.
 */
export function createHaRwsplit(options: HaRwsplitOptions): Promise<HaRwsplit> {
  const { restUrls, databaseUrl, refreshIntervalMs = 500, requestTimeoutMs = 1000, ...rest } = options;
  return createRwsplit({
    PrismaClient,
    topology: patroniTopology({ restUrls, databaseUrl, refreshIntervalMs, requestTimeoutMs }),
    checkIntervalMs: [300, 500],
    connectTimeoutMs: 1000,
    ...rest,
  });
}
