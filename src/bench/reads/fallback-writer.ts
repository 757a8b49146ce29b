// The bench's "fallback writes" path: the writer service writing while its Prisma route cannot connect, so every
// write takes the configured psql fallback (local psql, or docker exec) for real, connect failure included.
import type { Config } from '../../config';
import { createNodeClient } from '../../db/node-client';
import { WriterService } from '../../writer/writer-service';

/** What the bench needs of a writer. */
export interface FallbackWriter {
  /** `psql` or `docker-exec`. */
  readonly via: string;
  write(data: string): Promise<{ id: number; via: string }>;
  close(): Promise<void>;
}

/** A writer ready to measure, or why there is none. */
export type FallbackWriterOrReason = { readonly writer: FallbackWriter } | { readonly unavailable: string };

/** The primary's URL moved to a loopback port nothing listens on: the connection is refused at once. */
export function unreachableUrl(primaryUrl: string): string {
  const url = new URL(primaryUrl);
  url.hostname = '127.0.0.1';
  url.port = '1';
  return url.toString();
}

/**
 * Opens the fallback writer for the bench and proves it with one write, or says why it cannot (fallback off,
 * psql or docker missing …), so the bench reports the path as skipped instead of failing as a whole.
 */
export async function openFallbackWriter(config: Config): Promise<FallbackWriterOrReason> {
  if (config.writer.fallback === 'off') return { unavailable: 'WRITER_FALLBACK=off' };
  const via = config.writer.fallback;
  const primary = createNodeClient(unreachableUrl(config.primaryUrl), { connectTimeoutMs: 1000 });
  const service = new WriterService(config, { primary });
  const writer: FallbackWriter = {
    via,
    write: (data) => service.write(data),
    close: async () => {
      await service.close();
      await primary.$disconnect();
    },
  };
  try {
    const probe = await writer.write('bench fallback probe');
    if (probe.via !== via) throw new Error(`the probe write went via ${probe.via}, not ${via}`);
  } catch (err) {
    await writer.close();
    return {
      unavailable: `the ${via} fallback cannot write here: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  return { writer };
}
