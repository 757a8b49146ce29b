// What the three demo parts share: the configuration, the replicated client and the writer service.
import type { Config } from '../config';
import type { ReplicatedClient } from '../db/replicated-client';

/** What the demo needs of the writer service (src/writer/writer-service.ts). */
export interface DemoWriter {
  write(data: string): Promise<{ readonly id: number; readonly via: string }>;
}

export interface DemoContext {
  readonly config: Config;
  /** Reads go to a standby through it; `$replica()` / `$primary()` pick a side. */
  readonly client: ReplicatedClient;
  /** Writes go through it (Prisma on the primary; psql when the primary is unreachable over TCP). */
  readonly writer: DemoWriter;
  /** A word unique to this run, put into every row it writes, so concurrent runs never count each other's rows. */
  readonly runId: string;
}
