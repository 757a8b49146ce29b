// Prints a TableComparison. Only presentation.
import Table from 'cli-table3';
import type { TableComparison } from './table-comparison';

const range = (lo: number, hi: number) => (hi - lo === 1 ? `id ${lo}` : `ids ${lo}..${hi - 1}`);

const rows = (n: number) => `${n} row${n === 1 ? '' : 's'}`;

/** The text `npm run consistency` prints: what was compared, one row per node, and the verdict. */
export function formatComparison(c: TableComparison): string {
  const differing = c.standbys.filter((s) => !s.equal).map((s) => s.name);
  const table = new Table({
    head: ['node', 'rows', 'checksum ms', 'differing chunks', 'first difference'],
    style: { head: [], border: [] },
  });
  table.push(['primary', String(c.primary.rows), c.primary.checksumMs.toFixed(0), '-', '-']);
  for (const s of c.standbys) {
    const d = s.firstDifference;
    const first = d
      ? `${range(d.lo, d.hi)}${d.kind ? `: ${d.kind}` : ''} (primary ${rows(d.primaryRows)}, standby ${rows(d.standbyRows)})`
      : s.equal
        ? 'equal'
        : 'row counts differ';
    table.push([s.name, String(s.rows), s.checksumMs.toFixed(0), String(s.differingChunkCount), first]);
  }
  const lines = [
    c.syncedTo
      ? `every standby replayed the primary's LSN ${c.syncedTo} before comparing`
      : 'compared WITHOUT syncing: a standby that is merely behind shows as different',
    `compared ids ${c.from}..${Math.max(c.from, c.to - 1)} in ${c.chunks} chunks of ${c.chunkWidth} ids (count + md5 per chunk, computed in PostgreSQL)`,
    table.toString(),
  ];
  for (const s of c.standbys.filter((x) => x.differingChunks.length > 0)) {
    const listed = s.differingChunks.map((d) => `${range(d.lo, d.hi)} (${d.primaryRows} vs ${rows(d.standbyRows)})`);
    const more = s.differingChunkCount - listed.length;
    lines.push(`${s.name} differs in ${listed.join(', ')}${more > 0 ? ` and ${more} more chunk(s)` : ''}`);
  }
  lines.push(
    c.equal
      ? `EQUAL: every standby matches the primary (${(c.elapsedMs / 1000).toFixed(2)} s)`
      : `DIFFERENT: ${differing.join(', ')} ${differing.length === 1 ? 'differs' : 'differ'} from the primary`,
  );
  return lines.join('\n');
}
