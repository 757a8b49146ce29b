// The bench's "fallback writes" path: a write that reaches the primary through psql instead of Prisma.
//
// INTEGRATION POINT (writer service): the writer lives in src/writer/ and is being built alongside the bench.
// Until `WriterService` lands, this path reports itself as skipped with the reason below; when it lands, this
// file is the only one to change: open a WriterService whose Prisma route cannot connect, so every write takes
// the configured psql fallback for real.
import type { Config } from '../config';

/** What the bench needs of a writer. */
export interface FallbackWriter {
  /** `psql` or `docker-exec`. */
  readonly via: string;
  write(data: string): Promise<{ id: number; via: string }>;
  close(): Promise<void>;
}

/** A writer ready to measure, or why there is none. */
export type FallbackWriterOrReason = { readonly writer: FallbackWriter } | { readonly unavailable: string };

/** Opens the fallback writer for the bench, or says why it cannot. */
export async function openFallbackWriter(config: Config): Promise<FallbackWriterOrReason> {
  if (config.writer.fallback === 'off') return { unavailable: 'WRITER_FALLBACK=off' };
  return { unavailable: 'the writer service (src/writer/writer-service.ts) has not landed yet' };
}
