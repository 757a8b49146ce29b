// Reading a node's table as chunk checksums, and comparing two such lists.
import type { Queryable } from '../replication/wait-for-replay';
import { CHUNK_CHECKSUMS, TABLE_BOUNDS } from './checksum-queries';

/** One chunk of ids [lo, hi) on one node. Ids fit in a JS number (the column is a 32-bit serial). */
export interface ChunkChecksum {
  readonly lo: number;
  readonly hi: number;
  readonly rows: number;
  /** md5 over the chunk's per-row hashes (see CHUNK_CHECKSUMS), null for an empty chunk. */
  readonly hash: string | null;
}

export interface TableBounds {
  readonly minId: number | null;
  readonly maxId: number | null;
  readonly rows: number;
}

/** A chunk whose rows differ between the primary and a standby. */
export interface ChunkDifference {
  readonly lo: number;
  readonly hi: number;
  readonly primaryRows: number;
  readonly standbyRows: number;
}

export async function readTableBounds(client: Queryable): Promise<TableBounds> {
  const { rows } = await client.query<{ min_id: string | null; max_id: string | null; row_count: string }>(
    TABLE_BOUNDS,
  );
  const r = rows[0];
  return {
    minId: r?.min_id == null ? null : Number(r.min_id),
    maxId: r?.max_id == null ? null : Number(r.max_id),
    rows: Number(r?.row_count ?? 0),
  };
}

/** Checksums of the chunks of `width` ids covering [from, to). */
export async function readChunkChecksums(
  client: Queryable,
  from: number,
  to: number,
  width: number,
): Promise<ChunkChecksum[]> {
  if (!(Number.isSafeInteger(width) && width >= 1)) throw new RangeError(`chunk width must be >= 1, got ${width}.`);
  if (to <= from) return [];
  const { rows } = await client.query<{ lo: string; hi: string; n: number; h: string | null }>(CHUNK_CHECKSUMS, [
    from,
    to,
    width,
  ]);
  return rows.map((r) => ({ lo: Number(r.lo), hi: Number(r.hi), rows: r.n, hash: r.h }));
}

/**
 * The chunks that differ, in id order. Both lists must come from the same (from, to, width), so they pair up
 * one to one; anything else is a programming error and throws.
 */
export function differingChunks(
  primary: readonly ChunkChecksum[],
  standby: readonly ChunkChecksum[],
): ChunkDifference[] {
  if (primary.length !== standby.length) {
    throw new Error(`Chunk lists do not pair up: ${primary.length} on the primary, ${standby.length} on the standby.`);
  }
  const out: ChunkDifference[] = [];
  primary.forEach((p, i) => {
    const s = standby[i]!;
    if (p.lo !== s.lo || p.hi !== s.hi) throw new Error(`Chunk ${i} covers different ids on the two nodes.`);
    if (p.rows !== s.rows || p.hash !== s.hash) {
      out.push({ lo: p.lo, hi: p.hi, primaryRows: p.rows, standbyRows: s.rows });
    }
  });
  return out;
}
