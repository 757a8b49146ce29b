// `npm run consistency`: is test_replication the same on the primary and on each standby?
// Row count plus per-chunk checksums computed inside PostgreSQL; a differing chunk is narrowed down to the first
// differing id. By default the standbys are first synced to the primary's LSN, so only real divergence shows.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Config } from '../config';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../db/pg-client';
import { type ConfiguredNode, configuredNodes } from '../replication/configured-nodes';
import type { LsnText } from 'rwsplit';
import { syncStandbys } from '../replication/sync-standbys';
import {
  type ChunkChecksum,
  type ChunkDifference,
  type TableBounds,
  differingChunks,
  readChunkChecksums,
  readTableBounds,
} from './chunk-checksums';

export interface CompareOptions {
  /** Wait until every standby has replayed the primary's current LSN first. Default true. */
  readonly sync?: boolean;
  /** How long the sync may take, in ms. Default 30000. */
  readonly syncTimeoutMs?: number;
  /** Ids per chunk (widened so that there are at most 5000 chunks). Default 10000. */
  readonly chunkWidth?: number;
  /** How many differing chunks to list per standby. Default 10. */
  readonly maxListedChunks?: number;
}

/** What the first differing id is, once narrowed down to one id. */
export type DifferenceKind = 'missing on the standby' | 'only on the standby' | 'different content';

export interface FirstDifference extends ChunkDifference {
  /** Set once the range is a single id. */
  readonly kind: DifferenceKind | null;
}

export interface StandbyComparison {
  readonly name: string;
  readonly rows: number;
  readonly equal: boolean;
  /** Number of top-level chunks that differ. */
  readonly differingChunkCount: number;
  /** The first `maxListedChunks` of them. */
  readonly differingChunks: readonly ChunkDifference[];
  /** The first difference, narrowed down to one id (or the smallest range that still differs). */
  readonly firstDifference: FirstDifference | null;
  /** Time to checksum the whole table on this node, in ms. */
  readonly checksumMs: number;
}

export interface TableComparison {
  /** The LSN every standby replayed before comparing, or null when compared without syncing. */
  readonly syncedTo: LsnText | null;
  /** Ids compared: [from, to). */
  readonly from: number;
  readonly to: number;
  readonly chunkWidth: number;
  readonly chunks: number;
  readonly primary: { readonly rows: number; readonly checksumMs: number };
  readonly standbys: readonly StandbyComparison[];
  /** Every standby equals the primary. */
  readonly equal: boolean;
  readonly elapsedMs: number;
}

/** Drill-down: each step narrows a differing chunk to chunks this many times smaller. */
const NARROWING = 100;
const MAX_CHUNKS = 5000;

interface Open {
  readonly node: ConfiguredNode;
  readonly client: pg.Client;
}

async function openAll(nodes: readonly ConfiguredNode[]): Promise<Open[]> {
  const opened: Open[] = [];
  try {
    for (const node of nodes) {
      const client = new pg.Client({ connectionString: node.url, connectionTimeoutMillis: DEFAULT_CONNECT_TIMEOUT_MS });
      client.on('error', () => undefined);
      await client.connect().catch((cause: unknown) => {
        throw new Error(`Could not connect to ${node.name} to compare it. Is it up (\`npm run check\`)?`, { cause });
      });
      opened.push({ node, client });
    }
    return opened;
  } catch (err) {
    await Promise.allSettled(opened.map((o) => o.client.end()));
    throw err;
  }
}

function kindOf(d: ChunkDifference): DifferenceKind | null {
  if (d.hi - d.lo !== 1) return null;
  if (d.standbyRows === 0) return 'missing on the standby';
  if (d.primaryRows === 0) return 'only on the standby';
  return 'different content';
}

/** Narrows `diff` to the first differing single id (or smallest differing range) between the two nodes. */
async function narrow(
  primary: pg.Client,
  standby: pg.Client,
  diff: ChunkDifference,
  width: number,
): Promise<FirstDifference> {
  let current = diff;
  let w = width;
  while (w > 1) {
    w = Math.max(1, Math.ceil(w / NARROWING));
    const [p, s] = await Promise.all([
      readChunkChecksums(primary, current.lo, current.hi, w),
      readChunkChecksums(standby, current.lo, current.hi, w),
    ]);
    const next = differingChunks(p, s)[0];
    // A write that landed between the two reads can make the difference vanish; keep the last range seen.
    if (!next) break;
    current = next;
  }
  return { ...current, kind: kindOf(current) };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

function range(bounds: readonly TableBounds[]): { from: number; to: number } {
  const mins = bounds.flatMap((b) => (b.minId === null ? [] : [b.minId]));
  const maxes = bounds.flatMap((b) => (b.maxId === null ? [] : [b.maxId]));
  if (mins.length === 0) return { from: 0, to: 0 };
  return { from: Math.min(...mins), to: Math.max(...maxes) + 1 };
}

/** Compares test_replication on the primary with each configured standby. */
export async function compareTable(
  config: Pick<Config, 'primaryUrl' | 'replicaUrls'>,
  options: CompareOptions = {},
): Promise<TableComparison> {
  const started = performance.now();
  const sync = options.sync ?? true;
  const syncedTo = sync ? (await syncStandbys(config, { timeoutMs: options.syncTimeoutMs ?? 30_000 })).lsn : null;
  const opened = await openAll(configuredNodes(config));
  try {
    const [primary, ...standbys] = opened;
    if (!primary || standbys.length === 0) throw new Error('No standby configured: set REPLICA_URLS.');
    const bounds = await Promise.all(opened.map((o) => readTableBounds(o.client)));
    const span = range(bounds);
    const width = Math.max(options.chunkWidth ?? 10_000, Math.ceil((span.to - span.from) / MAX_CHUNKS), 1);
    // Chunks start at a multiple of the width, so they read as ids 1000..1999 rather than 1..1000.
    const from = Math.floor(span.from / width) * width;
    const to = span.to;
    const sums = await Promise.all(opened.map((o) => timed(() => readChunkChecksums(o.client, from, to, width))));
    const primarySums: ChunkChecksum[] = sums[0]!.value;
    const results = await Promise.all(
      standbys.map(async (s, i): Promise<StandbyComparison> => {
        const diffs = differingChunks(primarySums, sums[i + 1]!.value);
        const rows = bounds[i + 1]!.rows;
        const first = diffs[0] ? await narrow(primary.client, s.client, diffs[0], width) : null;
        return {
          name: s.node.name,
          rows,
          equal: diffs.length === 0 && rows === bounds[0]!.rows,
          differingChunkCount: diffs.length,
          differingChunks: diffs.slice(0, options.maxListedChunks ?? 10),
          firstDifference: first,
          checksumMs: sums[i + 1]!.ms,
        };
      }),
    );
    return Object.freeze({
      syncedTo,
      from,
      to,
      chunkWidth: width,
      chunks: primarySums.length,
      primary: { rows: bounds[0]!.rows, checksumMs: sums[0]!.ms },
      standbys: results,
      equal: results.every((r) => r.equal),
      elapsedMs: performance.now() - started,
    });
  } finally {
    await Promise.allSettled(opened.map((o) => o.client.end()));
  }
}
