// "Sync" = wait until every standby has replayed the primary's current WAL position. After it, each standby
// shows every transaction committed before the call.
import type { Config } from '../config';
import { configuredStandbys } from './configured-nodes';
import type { LsnText } from 'rwsplit';
import { readPrimaryWalPosition } from './primary-wal-position';
import { type ReplayWait, type WaitForReplayOptions, waitForReplay } from './wait-for-replay';

export interface SyncOptions extends Omit<WaitForReplayOptions, 'name'> {
  /** The LSN to wait for. Default: the primary's pg_current_wal_lsn() when the sync starts. */
  readonly lsn?: LsnText;
}

export interface SyncResult {
  /** The LSN every standby has replayed. */
  readonly lsn: LsnText;
  /** One wait per standby, in configuration order. */
  readonly standbys: readonly ReplayWait[];
}

/** Waits (in parallel) until every configured standby has replayed `options.lsn` or the primary's WAL position. */
export async function syncStandbys(
  config: Pick<Config, 'primaryUrl' | 'replicaUrls'>,
  options: SyncOptions = {},
): Promise<SyncResult> {
  const lsn = options.lsn ?? (await readPrimaryWalPosition(config.primaryUrl)).lsn;
  const standbys = await Promise.all(
    configuredStandbys(config).map((s) => waitForReplay(s.url, lsn, { ...options, name: s.name })),
  );
  return Object.freeze({ lsn, standbys: Object.freeze(standbys) });
}
