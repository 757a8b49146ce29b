// Which written values are not on a server: the "acknowledged but lost" check, asked of the new leader with plain
// pg (not through the router under test).
import { withPg } from '../../db/pg-client';

/** The values of `values` that test_replication on `url` does not hold. */
export async function missingRows(url: string, values: readonly string[]): Promise<string[]> {
  if (values.length === 0) return [];
  const present = await withPg(url, async (client) => {
    const r = await client.query<{ data: string }>('select data from test_replication where data = any($1::text[])', [
      [...values],
    ]);
    return new Set(r.rows.map((row) => row.data));
  });
  return values.filter((v) => !present.has(v));
}
