// The application's routed client: the library's createRwsplit with the demo's own PrismaClient, and the options
// mapped from the environment (src/config.ts reads it; the library never does).
import { createRwsplit, type Rwsplit, type RwsplitOptions } from 'rwsplit';
import type { Config } from '../config';
import { PrismaClient } from '../generated/prisma/client';

/** The routed client of the demo's schema. */
export type AppRwsplit = Rwsplit<PrismaClient>;

/** Options an application caller may add or override (everything but the client class). */
export type AppRwsplitOptions = Partial<Omit<RwsplitOptions<typeof PrismaClient>, 'PrismaClient'>>;

/** `createRwsplit` with the demo's PrismaClient and the options from the environment. */
export function createRwsplitFromConfig(config: Config, extra: AppRwsplitOptions = {}): Promise<AppRwsplit> {
  const r = config.routing;
  return createRwsplit({
    PrismaClient,
    primaryUrl: config.primaryUrl,
    replicaUrls: config.replicaUrls,
    maxLagMs: r.maxLagMs,
    maxLagBytes: r.maxLagBytes,
    checkIntervalMs: r.checkIntervalMs,
    fallbackToPrimary: r.fallbackToPrimary,
    consistency: r.consistency,
    readYourWritesWaitMs: r.readYourWritesWaitMs,
    connectTimeoutMs: config.writer.connectTimeoutMs,
    checkTimeoutMs: r.checkTimeoutMs,
    ...(r.tokenSecrets.length > 0 ? { tokenSecret: r.tokenSecrets } : {}),
    ...extra,
  });
}

/** `createRwsplit` with the demo's PrismaClient and explicit options. */
export function createAppRwsplit(options: AppRwsplitOptions & Pick<RwsplitOptions, 'primaryUrl'>): Promise<AppRwsplit> {
  return createRwsplit({ PrismaClient, ...options });
}
