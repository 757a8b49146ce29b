// "Sync" = wait until every standby has replayed the primary's current WAL position. After it, each standby
// shows every transaction committed before the call.
import type { Config } from '../config';
import { configuredStandbys } from './configured-nodes';
import type { LsnText } from './lsn';
import { readPrimaryWalPosition } from './primary-wal-position';
import { type ReplayWait, type WaitForReplayOptions, waitForReplay } from './wait-for-replay';

export interface SyncResult {
  /** The primary's pg_current_wal_lsn() when the sync started. */
  readonly lsn: LsnText;
  /** One wait per standby, in configuration order. */
  readonly standbys: readonly ReplayWait[];
}

/** Reads the primary's WAL position, then waits (in parallel) for every configured standby to replay it. */
export async function syncStandbys(
  config: Pick<Config, 'primaryUrl' | 'replicaUrls'>,
  options: Omit<WaitForReplayOptions, 'name'> = {},
): Promise<SyncResult> {
  const { lsn } = await readPrimaryWalPosition(config.primaryUrl);
  const standbys = await Promise.all(
    configuredStandbys(config).map((s) => waitForReplay(s.url, lsn, { ...options, name: s.name })),
  );
  return Object.freeze({ lsn, standbys: Object.freeze(standbys) });
}
