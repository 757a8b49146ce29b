// What a child process (connection-child.ts) prints on stdout, one JSON object a line: `ready` once its rwsplit
// has started, then one `report` when its load is done. Lines that are not such messages (a library's warning)
// are not messages.
import { z } from 'zod';

const countsByNode = z.record(z.string(), z.number().int().min(0));

const reportSchema = z.object({
  pid: z.number().int(),
  /** How long the load ran in this child, in ms. */
  windowMs: z.number().min(0),
  /** Eventual reads that returned, and those that failed. */
  reads: z.number().int().min(0),
  readErrors: z.number().int().min(0),
  /** Each returned read's latency, in ms (rounded to the µs). */
  readLatenciesMs: z.array(z.number().min(0)),
  /** Read-your-writes session pairs (create, then read) that completed, and those that failed. */
  sessions: z.number().int().min(0),
  sessionErrors: z.number().int().min(0),
  /** The first error's message, or null. */
  firstError: z.string().nullable(),
  /** `replica_checked` events during the load, by node name. */
  checksByNode: countsByNode,
  /** Queries the primary answered for positions (read-your-writes and health checks) during the load. */
  positionQueries: z.number().int().min(0),
  /** Operations that succeeded on each node during the load (`query` events), by node name. */
  queriesByNode: countsByNode,
  /** Reads sent to the primary because no replica qualified (`primary_fallback_read`) during the load. */
  fallbackReads: z.number().int().min(0),
  /** Replicas taken out of rotation (`replica_ejected`) during the load, by reason. */
  ejections: countsByNode,
});

export type ChildReport = z.infer<typeof reportSchema>;

const messageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('report'), report: reportSchema }),
]);

export type ChildMessage = z.infer<typeof messageSchema>;

/** The message on one stdout line, or null when the line is not one (any other output). */
export function parseChildMessage(line: string): ChildMessage | null {
  const text = line.trim();
  if (!text.startsWith('{')) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = messageSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The line a child prints for `message`. */
export function childMessageLine(message: ChildMessage): string {
  return `${JSON.stringify(message)}\n`;
}
