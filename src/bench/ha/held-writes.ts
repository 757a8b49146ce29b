// Writes the router held for lack of a primary during a leader change, from its `write_held` events (one per held
// write, emitted when it stops waiting, with how long it waited and how it ended). The events are read by shape, so
// the count works whatever the installed rwsplit declares: a build that does not emit them yet shows 0 held.
import { z } from 'zod';
import { LatencyRecorder } from '../common/latency-recorder';

const writeHeldSchema = z.object({
  event: z.literal('write_held'),
  operation: z.string(),
  waitedMs: z.number().nonnegative(),
  outcome: z.enum(['ran', 'gave_up', 'queue_full']),
});

export type WriteHeldEvent = z.infer<typeof writeHeldSchema>;

export interface HeldWritesSummary {
  /** Held writes, whatever their outcome. */
  readonly count: number;
  /** By outcome: `ran` (on the primary found), `gave_up` (NoPrimaryError), `queue_full` (refused at once). */
  readonly byOutcome: Readonly<Record<string, number>>;
  /** The wait's percentiles over every held write (HDR histogram), ms; null when none was held. */
  readonly waitP50Ms: number | null;
  readonly waitP99Ms: number | null;
  readonly waitMaxMs: number | null;
}

/** The `write_held` events among `events` (any other event, or a malformed one, is left out). */
export function writeHeldEvents(events: readonly unknown[]): WriteHeldEvent[] {
  return events.flatMap((e) => {
    const parsed = writeHeldSchema.safeParse(e);
    return parsed.success ? [parsed.data] : [];
  });
}

export function heldWritesSummary(events: readonly unknown[]): HeldWritesSummary {
  const held = writeHeldEvents(events);
  const byOutcome: Record<string, number> = {};
  for (const e of held) byOutcome[e.outcome] = (byOutcome[e.outcome] ?? 0) + 1;
  if (held.length === 0) return { count: 0, byOutcome, waitP50Ms: null, waitP99Ms: null, waitMaxMs: null };
  const waits = LatencyRecorder.of(held.map((e) => e.waitedMs)).summary();
  return {
    count: held.length,
    byOutcome,
    waitP50Ms: waits.p50Ms,
    waitP99Ms: waits.p99Ms,
    waitMaxMs: waits.maxMs,
  };
}
