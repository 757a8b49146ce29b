// Cleaning up after a benchmark: it notes the highest id before it writes, and afterwards deletes the rows above
// it that it wrote itself (recognised by their text), so the table returns to its size and a shared cluster's
// other rows are never touched.
import { type PgTarget, queryOnce, withPg } from '../../db/pg-client';

/** The highest id now (0 for an empty table): every row written later gets a larger one (serial ids). */
export const MAX_ID = 'SELECT coalesce(max(id), 0)::bigint::text AS max_id FROM test_replication';

/** Deletes the rows above id $1 whose data matches one of the LIKE patterns $2 (the run's own rows). */
export const DELETE_ADDED_ROWS = 'DELETE FROM test_replication WHERE id > $1::bigint AND data LIKE ANY ($2::text[])';

/** Frees the deleted rows' space for reuse and refreshes the planner's statistics after a large delete. */
export const VACUUM_TABLE = 'VACUUM (ANALYZE) test_replication';

/** What `npm run bench` writes: every row's text starts with `bench ` (router, pg, pgbench, fallback, probes). */
export const BENCH_ROW_PATTERNS: readonly string[] = ['bench %'];

export async function maxId(primary: PgTarget): Promise<number> {
  const [row] = await queryOnce<{ max_id: string }>(primary, MAX_ID);
  return Number(row?.max_id ?? 0);
}

/**
 * Deletes the rows with an id above `above` whose data matches one of `patterns` (SQL LIKE), then vacuums the
 * table; returns how many rows went.
 * @example await deleteAddedRows(config.primaryUrl, idBefore, BENCH_ROW_PATTERNS)
 */
export async function deleteAddedRows(primary: PgTarget, above: number, patterns: readonly string[]): Promise<number> {
  return withPg(primary, async (c) => {
    const deleted = (await c.query(DELETE_ADDED_ROWS, [above, [...patterns]])).rowCount ?? 0;
    await c.query(VACUUM_TABLE);
    return deleted;
  });
}
