// The routed client the integration tests open on a cluster: the fixture schema's PrismaClient over the cluster's
// primary and replicas, with each test's own options on top.
import { createRwsplit, type Rwsplit, type RwsplitOptions } from '../../src';
import { PrismaClient } from '../fixture/generated/client';
import type { TestCluster } from './test-cluster';

export type FixtureOptions = Partial<RwsplitOptions<typeof PrismaClient>>;

/** Checks only when a test says so (checkNow): no background check moves a replica mid-test. */
export const QUIET_CHECKS = { checkIntervalMs: [60_000, 60_000] as const };

/** The first eligible replica always, so a test knows which one a read goes to; connects fail fast. */
export const PREDICTABLE = {
  ...QUIET_CHECKS,
  strategy: <T>(eligible: readonly T[]) => eligible[0]!,
  connectTimeoutMs: 1000,
};

/** createRwsplit for the fixture schema on `cluster`'s nodes. */
export function routedClient(
  cluster: Pick<TestCluster, 'primaryUrl' | 'replicaUrls'>,
  options: FixtureOptions = {},
): Promise<Rwsplit<PrismaClient>> {
  return createRwsplit({ PrismaClient, primaryUrl: cluster.primaryUrl, replicaUrls: cluster.replicaUrls, ...options });
}
