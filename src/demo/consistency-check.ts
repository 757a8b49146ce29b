// The seed's data consistency check: write N rows, wait until each standby has replayed the primary's LSN,
// then check that every standby has every one of those rows (count, and which ids are missing if any).
import { withPg } from '../db/pg-client';
import { COUNT_ROWS } from '../bench/common/seed-rows';
import { configuredNodes } from '../replication/configured-nodes';
import type { LsnText } from 'rwsplit';
import { syncStandbys } from '../replication/sync-standbys';
import type { ReplayWait } from '../replication/wait-for-replay';
import type { DemoContext } from './demo-context';

/** How many of the ids $1 this node holds: the rows written by this check, not the whole table. */
export const COUNT_IDS_PRESENT = 'SELECT count(*)::int AS n FROM test_replication WHERE id = ANY($1::int[])';

/** The ids of $1 this node lacks (at most 20, enough to see the pattern). */
export const MISSING_IDS = `
  SELECT wanted.id FROM unnest($1::int[]) AS wanted(id)
   WHERE NOT EXISTS (SELECT 1 FROM test_replication t WHERE t.id = wanted.id)
   ORDER BY wanted.id LIMIT 20`;

export interface NodeConsistency {
  readonly name: string;
  readonly role: 'primary' | 'standby';
  /** How many of the rows written by the check this node shows. */
  readonly present: number;
  /** Up to 20 of the written ids this node lacks. */
  readonly missingIds: readonly number[];
  /** All rows in test_replication on this node (other writers may add rows, so it is shown, not compared). */
  readonly tableRows: number;
}

export interface ConsistencyCheckResult {
  readonly written: number;
  readonly firstId: number;
  readonly lastId: number;
  /** The primary's WAL position after the writes, which every standby replayed before the comparison. */
  readonly lsn: LsnText;
  readonly waits: readonly ReplayWait[];
  readonly nodes: readonly NodeConsistency[];
  /** Every node shows every written row. */
  readonly consistent: boolean;
}

/** Writes `rows` rows through the writer, syncs the standbys, and compares what each node holds. */
export async function runConsistencyCheck(ctx: DemoContext, rows = 100): Promise<ConsistencyCheckResult> {
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a whole number >= 1, got ${rows}.`);
  const ids: number[] = [];
  for (let i = 0; i < rows; i++) ids.push((await ctx.writer.write(`demo consistency row ${i} (${ctx.runId})`)).id);
  const sync = await syncStandbys(ctx.config);
  const nodes = await Promise.all(
    configuredNodes(ctx.config).map((node) =>
      withPg(node.url, async (c): Promise<NodeConsistency> => {
        const present = (await c.query<{ n: number }>(COUNT_IDS_PRESENT, [ids])).rows[0]?.n ?? 0;
        const missing = present === ids.length ? [] : (await c.query<{ id: number }>(MISSING_IDS, [ids])).rows;
        const tableRows = Number((await c.query<{ n: string }>(COUNT_ROWS)).rows[0]?.n ?? 0);
        return { name: node.name, role: node.expectedRole, present, missingIds: missing.map((m) => m.id), tableRows };
      }),
    ),
  );
  return Object.freeze({
    written: ids.length,
    firstId: Math.min(...ids),
    lastId: Math.max(...ids),
    lsn: sync.lsn,
    waits: sync.standbys,
    nodes,
    consistent: nodes.every((n) => n.present === ids.length),
  });
}
