// The write-unavailability window of one leader change, from the workload's attempts: from the moment the first
// failed write was sent to the moment the first write sent after it was acknowledged. Writes that only slowed down (none
// failed) show in the longest gap between acknowledgements instead.
import type { WriteAttempt } from './write-read-workload';

export interface WriteUnavailability {
  /** performance.now() when the first failed write was sent, or null when no write failed. */
  readonly firstFailureAt: number | null;
  /** When the first write that succeeded after it resolved (null: none did). */
  readonly recoveredAt: number | null;
  /** recoveredAt - firstFailureAt in ms; 0 when no write failed; null when writes never recovered. */
  readonly windowMs: number | null;
  /** Failed writes sent after recoveredAt (a second outage in the same run); 0 in a clean leader change. */
  readonly failuresAfterRecovery: number;
  /** The longest time between two consecutive acknowledgements, in ms (a stall without failures shows here). */
  readonly longestAckGapMs: number;
}

export function writeUnavailability(writes: readonly WriteAttempt[]): WriteUnavailability {
  const failed = writes.filter((w) => w.failure !== null);
  const acks = writes
    .filter((w) => w.failure === null)
    .map((w) => w.endedAt)
    .sort((a, b) => a - b);
  let longestAckGapMs = 0;
  for (let i = 1; i < acks.length; i++) longestAckGapMs = Math.max(longestAckGapMs, acks[i]! - acks[i - 1]!);
  if (failed.length === 0) {
    return { firstFailureAt: null, recoveredAt: null, windowMs: 0, failuresAfterRecovery: 0, longestAckGapMs };
  }
  const first = failed.reduce((a, b) => (b.startedAt < a.startedAt ? b : a));
  // "After it": sent after the first failed write was sent, and resolved after that failure came back. A write
  // already in flight before the outage may still commit on the old leader; one sent later and acknowledged after
  // the failure (retried by rwsplit on the new primary, or sent to it) shows that writes work again.
  let recoveredAt: number | null = null;
  for (const w of writes) {
    if (w.failure !== null || w.startedAt <= first.startedAt || w.endedAt <= first.endedAt) continue;
    if (recoveredAt === null || w.endedAt < recoveredAt) recoveredAt = w.endedAt;
  }
  const settled = recoveredAt;
  const failuresAfterRecovery = settled === null ? 0 : failed.filter((w) => w.startedAt > settled).length;
  return {
    firstFailureAt: first.startedAt,
    recoveredAt,
    windowMs: recoveredAt === null ? null : recoveredAt - first.startedAt,
    failuresAfterRecovery,
    longestAckGapMs,
  };
}
