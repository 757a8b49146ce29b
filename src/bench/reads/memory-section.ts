// The memory study as a table: RSS per client kind, and its ratio to one plain PrismaClient.
import type { ReportSection } from '../report/report-data';
import { type MemoryFootprint, RSS_TARGET } from './memory-footprint';

export function memorySection(memory: MemoryFootprint): ReportSection {
  return {
    id: 'memory',
    title: 'Memory per client kind (median of processes)',
    description:
      `${memory.samples} processes per kind, ${memory.reads} reads each; "added": over the process with its ` +
      'modules loaded and no client.',
    columns: ['memory (median of processes)', 'RSS MiB', 'RSS ×', 'added MiB', 'added ×', 'target'],
    rows: memory.kinds.map((k) => [
      k.kind,
      k.rssMiB,
      k.rssRatio,
      k.addedMiB,
      k.addedRatio,
      k.kind === 'rwsplit'
        ? `≤ ${RSS_TARGET}× ${k.rssRatio <= RSS_TARGET ? 'met' : 'NOT met'}`
        : k.kind === 'plain'
          ? 'unit'
          : '',
    ]),
  };
}
