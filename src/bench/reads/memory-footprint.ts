// The memory study: the RSS a client costs, measured in separate processes of the same shape (memory-child.ts), so
// one client's heap never shares a process with another's. A plain PrismaClient on the primary is the unit; the
// read-replicas extension (one PrismaClient per node) and rwsplit (one PrismaClient over one pool per node) are
// set against it, both as the whole process's RSS and as what the client added to it.
import { execa } from 'execa';
import path from 'node:path';
import type { MemoryClientKind, MemorySample } from './memory-child';

const KINDS: readonly MemoryClientKind[] = ['plain', 'extension', 'rwsplit'];

/** rwsplit with two replicas may cost at most this much RSS over one plain PrismaClient (issue 13). */
export const RSS_TARGET = 1.3;

export interface MemoryFootprint {
  /** Processes per kind; the median of each figure is reported. */
  readonly samples: number;
  /** Reads each process ran before its second note. */
  readonly reads: number;
  readonly kinds: readonly {
    readonly kind: MemoryClientKind;
    /** Median RSS of the whole process after its reads, MiB. */
    readonly rssMiB: number;
    /** Median RSS the client added over the process's own (modules loaded, no client), MiB. */
    readonly addedMiB: number;
    /** rssMiB ÷ the plain client's. */
    readonly rssRatio: number;
    /** addedMiB ÷ the plain client's. */
    readonly addedRatio: number;
  }[];
}

const MiB = 1024 * 1024;
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function sample(kind: MemoryClientKind, reads: number): Promise<MemorySample> {
  const root = path.resolve(__dirname, '..', '..', '..');
  const { stdout } = await execa(
    process.execPath,
    ['--expose-gc', '-r', 'ts-node/register/transpile-only', path.join(__dirname, 'memory-child.ts'), kind, `${reads}`],
    { cwd: root, timeout: 120_000 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as MemorySample;
}

/**
 * Runs `samples` rounds of one process of each kind; a round's processes run side by side (RSS does not depend on
 * CPU time, so they do not disturb each other's figures, and the study takes a third of the time).
 */
export async function measureMemoryFootprint(options: {
  samples: number;
  reads: number;
  onSample?: () => void;
}): Promise<MemoryFootprint> {
  const byKind = new Map<MemoryClientKind, MemorySample[]>(KINDS.map((k) => [k, []]));
  for (let i = 0; i < options.samples; i++) {
    const round = await Promise.all(KINDS.map((kind) => sample(kind, options.reads)));
    round.forEach((s) => byKind.get(s.kind)!.push(s));
    options.onSample?.();
  }
  const figures = KINDS.map((kind) => {
    const samples = byKind.get(kind)!;
    return {
      kind,
      rssMiB: median(samples.map((s) => s.rss)) / MiB,
      addedMiB: median(samples.map((s) => s.rss - s.baselineRss)) / MiB,
    };
  });
  const plain = figures[0]!;
  return {
    samples: options.samples,
    reads: options.reads,
    kinds: figures.map((f) => ({ ...f, rssRatio: f.rssMiB / plain.rssMiB, addedRatio: f.addedMiB / plain.addedMiB })),
  };
}
