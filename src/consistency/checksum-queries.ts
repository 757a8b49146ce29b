// SQL for comparing test_replication between nodes. The hashing happens inside PostgreSQL: only one short row
// per chunk of ids crosses the wire, whatever the table's size.

/** The id range to cover, and the row count: compared across nodes before any chunk. */
export const TABLE_BOUNDS = `
  SELECT min(id)::bigint::text AS min_id, max(id)::bigint::text AS max_id, count(*)::bigint::text AS row_count
    FROM test_replication`;

/**
 * Count and md5 of the rows in each chunk of ids [lo, lo + $3) for lo from $1 while lo < $2 (chunks never reach
 * past $2). Each row is serialised as `id:epoch:octets:data` in id order: the epoch of created_at does not depend
 * on the session's TimeZone, and the byte length before the data makes the serialisation unambiguous whatever the
 * data holds. Each chunk is read through the primary key's index range, so chunks cost what their rows cost.
 */
export const CHUNK_CHECKSUMS = `
  SELECT c.lo::text AS lo, LEAST(c.lo + $3::bigint, $2::bigint)::text AS hi, s.n::int AS n, s.h
    FROM generate_series($1::bigint, $2::bigint - 1, $3::bigint) AS c(lo)
   CROSS JOIN LATERAL (
         SELECT count(*) AS n,
                md5(string_agg(t.id::text || ':' || extract(epoch FROM t.created_at)::text || ':' ||
                               octet_length(t.data)::text || ':' || t.data, ',' ORDER BY t.id)) AS h
           FROM test_replication t
          WHERE t.id >= c.lo AND t.id < LEAST(c.lo + $3::bigint, $2::bigint)) AS s
   ORDER BY c.lo`;
