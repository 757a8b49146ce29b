// A suite on a private cluster of its own (three nodes on the first free ports of `candidatePorts`): the cluster
// made before the suite and destroyed after it, the routers it opened closed, and the events they emitted kept
// (cleared before each test). Registers the jest hooks when called at the top of a test file.
import type { Rwsplit, RwsplitEvent } from '../../src';
import type { PrismaClient } from '../fixture/generated/client';
import type { ThrowawayCluster } from './cluster-kit';
import { freePorts } from './free-ports';
import { adminQuery } from './test-cluster';
import { throwawayCluster } from './throwaway-cluster';

export interface PrivateClusterSuite {
  /** The cluster (set once beforeAll has run). */
  readonly env: ThrowawayCluster;
  /** Its nodes' ports: primary first. */
  readonly ports: readonly number[];
  /** Events of every router the suite opened, since the current test began. */
  readonly events: RwsplitEvent[];
  /** Keeps `rw` to be closed after the suite; returns it. */
  track(rw: Rwsplit<PrismaClient>): Rwsplit<PrismaClient>;
  /** Node `i`'s name in events: `127.0.0.1:<port>`. */
  node(i: number): string;
  /** Users called `name` on node `index`, asked as superuser (not through the router under test). */
  usersNamed(index: number, name: string): Promise<readonly unknown[]>;
}

export function privateClusterSuite(name: string, candidatePorts: readonly number[]): PrivateClusterSuite {
  let env: ThrowawayCluster | undefined;
  let ports: number[] = [];
  const opened: Rwsplit<PrismaClient>[] = [];
  const events: RwsplitEvent[] = [];
  beforeAll(async () => {
    ports = await freePorts(3, candidatePorts);
    env = await throwawayCluster(name, { ports });
  }, 120_000);
  afterAll(async () => {
    await Promise.all(opened.map((rw) => rw.close()));
    await env?.destroy();
  });
  beforeEach(() => {
    events.length = 0;
  });
  const suite: PrivateClusterSuite = {
    get env() {
      if (!env) throw new Error(`the private cluster ${name} is not up: its beforeAll did not finish`);
      return env;
    },
    get ports() {
      return ports;
    },
    events,
    track(rw) {
      opened.push(rw);
      return rw;
    },
    node: (i) => `127.0.0.1:${ports[i]}`,
    usersNamed: (index, user) => adminQuery(suite.env, index, 'SELECT 1 FROM rwtest_user WHERE name = $1', [user]),
  };
  return suite;
}
