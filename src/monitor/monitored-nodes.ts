// The nodes the monitor and the metrics poller watch, named the way every report names them.
// (Same naming as src/replication/configured-nodes.ts; the two can merge once both have landed.)
import type { Config } from '../config';
import type { PgTarget } from '../db/pg-client';

export interface MonitoredNode {
  /** `primary`, then `standby1`, `standby2` … in REPLICA_URLS order (the local cluster's node names). */
  readonly name: string;
  /** What the configuration says it is; the server's own answer (pg_is_in_recovery) wins when it is up. */
  readonly expectedRole: 'primary' | 'standby';
  /** Where to connect (a URL with its password: never print it, use maskUrl). */
  readonly target: PgTarget;
}

/** The configured primary first, then each replica. */
export function nodesFromConfig(config: Pick<Config, 'primaryUrl' | 'replicaUrls'>): MonitoredNode[] {
  return [
    { name: 'primary', expectedRole: 'primary', target: config.primaryUrl },
    ...config.replicaUrls.map((url, i) => ({ name: `standby${i + 1}`, expectedRole: 'standby' as const, target: url })),
  ];
}
