// The replication modes bench:ha compares, side by side in one run, and the Patroni setting behind each: `async`
// (asynchronous streaming, Patroni's default), `sync` (synchronous_mode: a commit returns once the sync standby
// flushed it, and only that standby may be promoted) and `strict` (synchronous_mode_strict too).
import type { SynchronousMode } from '../../ha/synchronous-mode';

export const REPLICATION_MODES = ['async', 'sync', 'strict'] as const;
export type ReplicationMode = (typeof REPLICATION_MODES)[number];

/** What bench:ha runs without --modes: both sides of the comparison. */
export const DEFAULT_REPLICATION_MODES: readonly ReplicationMode[] = ['async', 'sync'];

const PATRONI_MODES: Readonly<Record<ReplicationMode, SynchronousMode>> = {
  async: 'off',
  sync: 'on',
  strict: 'strict',
};

/** The Patroni synchronous mode that gives `mode`. */
export function patroniModeOf(mode: ReplicationMode): SynchronousMode {
  return PATRONI_MODES[mode];
}
