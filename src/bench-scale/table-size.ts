// The table's size and the study's clean-up: it remembers the highest id before it starts, and afterwards deletes
// every row above it (the seeded rows, the background writes and the probes) so the table returns to its size.
import { type PgTarget, queryOnce, withPg } from '../db/pg-client';

/** The highest id now (0 for an empty table): every row the study adds gets a larger one (serial ids). */
export const MAX_ID = 'SELECT coalesce(max(id), 0)::bigint::text AS max_id FROM test_replication';

/** Deletes the rows added after the study noted MAX_ID = $1. */
export const DELETE_ADDED_ROWS = 'DELETE FROM test_replication WHERE id > $1::bigint';

/** Frees the deleted rows' space for reuse and refreshes the planner's statistics after a large delete. */
export const VACUUM_TABLE = 'VACUUM (ANALYZE) test_replication';

export async function maxId(primary: PgTarget): Promise<number> {
  const [row] = await queryOnce<{ max_id: string }>(primary, MAX_ID);
  return Number(row?.max_id ?? 0);
}

/** Deletes every row with an id above `above` and vacuums the table; returns how many rows went. */
export async function deleteRowsAbove(primary: PgTarget, above: number): Promise<number> {
  return withPg(primary, async (c) => {
    const deleted = (await c.query(DELETE_ADDED_ROWS, [above])).rowCount ?? 0;
    await c.query(VACUUM_TABLE);
    return deleted;
  });
}
