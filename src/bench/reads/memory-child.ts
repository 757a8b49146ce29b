// One process of the memory study (memory-footprint.ts runs it): imports Prisma and rwsplit, notes its RSS, then
// opens ONE kind of client, runs the same reads through it, collects garbage and notes its RSS again. It prints
// one JSON line. Every process has the same shape (node, ts-node, the same modules loaded before the first note).
import { loadConfig } from '../../config';
import { createRwsplitFromConfig } from '../../db/app-rwsplit';
import { createNodeClient } from '../../db/node-client';
import { createReplicatedClient } from '../../db/replicated-client';

/** What the parent can ask for: a plain client on the primary, the read-replicas extension, rwsplit. */
export type MemoryClientKind = 'plain' | 'extension' | 'rwsplit';

export interface MemorySample {
  readonly kind: MemoryClientKind;
  /** RSS after the imports, before any client, in bytes. */
  readonly baselineRss: number;
  /** RSS after the client ran `reads` reads and garbage was collected, in bytes. */
  readonly rss: number;
  readonly reads: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function open(kind: MemoryClientKind): Promise<{ read: () => Promise<unknown>; close: () => Promise<void> }> {
  const config = loadConfig();
  if (kind === 'plain') {
    const client = createNodeClient(config.primaryUrl);
    return { read: () => client.testReplication.findMany({ take: 10 }), close: () => client.$disconnect() };
  }
  if (kind === 'extension') {
    const { client, parts } = createReplicatedClient(config);
    return {
      read: () => client.testReplication.findMany({ take: 10 }),
      close: async () => {
        await Promise.all([parts.primary, ...parts.replicas].map((c) => c.$disconnect()));
      },
    };
  }
  const rw = await createRwsplitFromConfig(config, { consistency: 'eventual' });
  return { read: () => rw.client.testReplication.findMany({ take: 10 }), close: () => rw.close() };
}

/** Runs the study's one measurement in this process. */
export async function measureMemory(kind: MemoryClientKind, reads: number): Promise<MemorySample> {
  gc?.();
  const baselineRss = process.memoryUsage().rss;
  const client = await open(kind);
  for (let i = 0; i < reads; i++) await client.read();
  gc?.();
  const rss = process.memoryUsage().rss;
  await client.close();
  return { kind, baselineRss, rss, reads };
}

if (require.main === module) {
  const [kind, reads] = process.argv.slice(2);
  void measureMemory(kind as MemoryClientKind, Number(reads)).then(
    (sample) => {
      process.stdout.write(`${JSON.stringify(sample)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
