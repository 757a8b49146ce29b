// Creates the example's tables on the primary from prisma/schema.sql. Prisma Migrate would need its native schema
// engine, which an offline machine lacks; the file is idempotent, so this runs at every start.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

/** The DDL file beside schema.prisma. */
export const BLOG_SCHEMA_FILE = path.join(__dirname, '..', 'prisma', 'schema.sql');

/**
 * Two processes starting at once (two servers, or a test beside a server) would race in CREATE TABLE IF NOT
 * EXISTS, which is not safe against a concurrent create (duplicate key in pg_type). A transaction-scoped advisory
 * lock makes them take turns; the key is this example's own.
 */
const SCHEMA_LOCK = 'SELECT pg_advisory_xact_lock($1)';
const SCHEMA_LOCK_KEY = 0x626c6f67; // "blog"

/** Applies prisma/schema.sql on the primary in one transaction, as the application's role (so it owns the tables). */
export async function applyBlogSchema(primaryUrl: string, connectTimeoutMs = 5000): Promise<void> {
  const ddl = await readFile(BLOG_SCHEMA_FILE, 'utf8');
  const client = new pg.Client({
    connectionString: primaryUrl,
    connectionTimeoutMillis: connectTimeoutMs,
    query_timeout: 30_000,
  });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(SCHEMA_LOCK, [SCHEMA_LOCK_KEY]);
    await client.query(ddl);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}
