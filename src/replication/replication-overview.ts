// Everything the demo shows about replication at one moment: the primary's WAL position, pg_stat_replication,
// and each standby's own view. Read on short-lived connections, in parallel.
import type { Config } from '../config';
import { configuredStandbys } from './configured-nodes';
import { type PrimaryWalPosition, readPrimaryWalPosition } from './primary-wal-position';
import { type ReplicationStatus, readReplicationStatus } from './replication-status';
import { type StandbyStatus, readStandbyStatus } from './standby-status';

export interface StandbyOverview {
  readonly name: string;
  /** The standby's own view. */
  readonly status: StandbyStatus;
  /** The primary's view of it (pg_stat_replication), or null when the primary does not list it. */
  readonly replication: ReplicationStatus | null;
}

export interface ReplicationOverview {
  readonly primary: PrimaryWalPosition;
  readonly standbys: readonly StandbyOverview[];
  /** pg_stat_replication rows that match no configured standby (e.g. another cluster's standby). */
  readonly otherConnections: readonly ReplicationStatus[];
}

/**
 * Reads every snapshot once. Standbys are matched to pg_stat_replication rows by application_name (the local
 * cluster names each standby's connection after the node); with external servers unmatched rows are listed apart.
 */
export async function readReplicationOverview(
  config: Pick<Config, 'primaryUrl' | 'replicaUrls'>,
): Promise<ReplicationOverview> {
  const standbys = configuredStandbys(config);
  const [primary, replication, statuses] = await Promise.all([
    readPrimaryWalPosition(config.primaryUrl),
    readReplicationStatus(config.primaryUrl),
    Promise.all(standbys.map((s) => readStandbyStatus(s.url, s.name))),
  ]);
  const names = new Set(standbys.map((s) => s.name));
  return Object.freeze({
    primary,
    standbys: standbys.map((s, i) => ({
      name: s.name,
      status: statuses[i]!,
      replication: replication.find((r) => r.applicationName === s.name) ?? null,
    })),
    otherConnections: replication.filter((r) => !names.has(r.applicationName)),
  });
}
