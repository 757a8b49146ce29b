// SQL for comparing test_replication between nodes. The hashing happens inside PostgreSQL: only one short row
// per chunk of ids crosses the wire, whatever the table's size.

/** The id range to cover, and the row count: compared across nodes before any chunk. */
export const TABLE_BOUNDS = `
  SELECT min(id)::bigint::text AS min_id, max(id)::bigint::text AS max_id, count(*)::bigint::text AS row_count
    FROM test_replication`;

/**
 * Count and hash of the rows in each chunk of ids [lo, lo + $3) for lo from $1 while lo < $2 (chunks never reach
 * past $2). Each row is hashed on its own, then the chunk's row hashes are hashed together: a row serialises as
 * `id:epoch:md5(data)`, rows joined by `,` in id order, and the chunk's hash is the md5 of that text. The text
 * holds ~60 bytes per row whatever the rows hold (joining the data itself would hit PostgreSQL's 1 GB limit for a
 * value at ~1000 rows of 1 MB). The epoch of created_at does not depend on the session's TimeZone, and every part
 * is free of `:` and `,` or of fixed length, so the serialisation is unambiguous whatever the data holds. Each chunk
 * is read through the primary key's index range, so chunks cost what their rows cost.
 */
export const CHUNK_CHECKSUMS = `
  SELECT c.lo::text AS lo, LEAST(c.lo + $3::bigint, $2::bigint)::text AS hi, s.n::int AS n, s.h
    FROM generate_series($1::bigint, $2::bigint - 1, $3::bigint) AS c(lo)
   CROSS JOIN LATERAL (
         SELECT count(*) AS n,
                md5(string_agg(t.id::text || ':' || extract(epoch FROM t.created_at)::text || ':' || md5(t.data),
                               ',' ORDER BY t.id)) AS h
           FROM test_replication t
          WHERE t.id >= c.lo AND t.id < LEAST(c.lo + $3::bigint, $2::bigint)) AS s
   ORDER BY c.lo`;
