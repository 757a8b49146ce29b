// Makes sure test_replication holds at least N rows before a measurement, so reads scan a realistic index.
import { type PgTarget, withPg } from '../../db/pg-client';

/** Rows in the table (exact count; the table is small enough for the bench's sizes). */
export const COUNT_ROWS = 'SELECT count(*)::bigint::text AS n FROM test_replication';

/** Inserts $1 rows in one statement, server-side: seeding 1,000,000 rows takes seconds, not a million round trips. */
export const SEED_ROWS =
  "INSERT INTO test_replication (data) SELECT 'seed row ' || g || ' ' || md5(g::text) FROM generate_series(1, $1::int) AS g";

export interface SeedResult {
  readonly before: number;
  readonly inserted: number;
}

/** Inserts rows on the primary until the table holds at least `rows`. */
export async function topUpRows(primary: PgTarget, rows: number): Promise<SeedResult> {
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`rows must be a whole number >= 0, got ${rows}.`);
  return withPg(primary, async (c) => {
    const before = Number((await c.query<{ n: string }>(COUNT_ROWS)).rows[0]?.n ?? 0);
    const missing = Math.max(0, rows - before);
    if (missing > 0) await c.query(SEED_ROWS, [missing]);
    return { before, inserted: missing };
  });
}

/** Inserts exactly `rows` rows on the primary, whatever is there already. */
export async function insertRows(primary: PgTarget, rows: number): Promise<void> {
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a whole number >= 1, got ${rows}.`);
  await withPg(primary, (c) => c.query(SEED_ROWS, [rows]));
}
