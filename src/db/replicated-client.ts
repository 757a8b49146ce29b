// The replicated client: the primary's PrismaClient extended once with @prisma/extension-read-replicas.
// Model reads (findMany, findUnique, count, aggregate, groupBy …) go to a standby; writes, transactions and raw
// SQL go to the primary. `$primary()` and `$replica()` pick a side explicitly.
import { readReplicas } from '@prisma/extension-read-replicas';
import type { Config } from '../config';
import { createNodeClient, type PrismaClient } from '../db/node-client';

export interface ReplicatedClientParts {
  readonly primary: PrismaClient;
  readonly replicas: readonly PrismaClient[];
}

function extend(primary: PrismaClient, replicas: readonly PrismaClient[]) {
  return primary.$extends(readReplicas({ replicas: [...replicas] }));
}

/** The extended client type: a PrismaClient with `$primary()` and `$replica()`. */
export type ReplicatedClient = ReturnType<typeof extend>;

/** Builds one PrismaClient per node and extends the primary's with the standbys' clients. */
export function createReplicatedClient(config: Pick<Config, 'primaryUrl' | 'replicaUrls' | 'writer'>): {
  client: ReplicatedClient;
  parts: ReplicatedClientParts;
} {
  if (config.replicaUrls.length === 0) {
    throw new Error('No replicas configured: set REPLICA_URLS (comma-separated postgres URLs) or unset DATABASE_URL.');
  }
  const primary = createNodeClient(config.primaryUrl, { connectTimeoutMs: config.writer.connectTimeoutMs });
  const replicas = config.replicaUrls.map((url) =>
    createNodeClient(url, { connectTimeoutMs: config.writer.connectTimeoutMs }),
  );
  return { client: extend(primary, replicas), parts: { primary, replicas } };
}
