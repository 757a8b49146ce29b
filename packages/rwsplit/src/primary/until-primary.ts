// Waiting out a failover: what needs the primary tries again every 100 ms while there is none, until a deadline.
import { NoPrimaryError, SplitBrainError } from '../errors';
import { isNotPrimary, isUnreachable } from '../postgres/connection-errors';

/** How often something waiting out a failover asks the nodes for a primary again. */
export const FAILOVER_POLL_MS = 100;

/** "No primary right now": the old one unreachable or read-only, or none promoted yet. Split brain is not one. */
export function isFailoverGap(err: unknown): boolean {
  if (err instanceof SplitBrainError) return false;
  return err instanceof NoPrimaryError || isUnreachable(err) || isNotPrimary(err);
}

/**
 * Runs `attempt` until it succeeds, or fails with an error that is no failover gap, or `deadline` (a `Date.now()`
 * time) has passed; the last error is thrown.
 */
export async function untilPrimary<T>(
  attempt: () => Promise<T>,
  deadline: number,
  isGap: (err: unknown) => boolean = isFailoverGap,
): Promise<T> {
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (!isGap(err) || Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, FAILOVER_POLL_MS));
    }
  }
}
