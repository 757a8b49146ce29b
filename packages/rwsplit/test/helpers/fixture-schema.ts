// The fixture schema's tables (schema.prisma beside the generated client), made on the primary; they reach the
// replicas by streaming replication like any other write.
import { adminQuery, type TestCluster, waitForReplicas } from './test-cluster';

/** The DDL Prisma Migrate would write for fixture/schema.prisma, idempotent. */
const FIXTURE_DDL = `
  CREATE TABLE IF NOT EXISTS rwtest_user (
    id SERIAL PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL
  );
  CREATE UNIQUE INDEX IF NOT EXISTS rwtest_user_email_key ON rwtest_user (email);
  CREATE TABLE IF NOT EXISTS rwtest_post (
    id SERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    author_id INTEGER NOT NULL REFERENCES rwtest_user (id) ON DELETE CASCADE ON UPDATE CASCADE,
    created_at TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP
  );
  CREATE INDEX IF NOT EXISTS rwtest_post_author_id_idx ON rwtest_post (author_id);
  ALTER TABLE rwtest_user ADD COLUMN IF NOT EXISTS tenant TEXT NOT NULL DEFAULT '';
  ALTER TABLE rwtest_post ADD COLUMN IF NOT EXISTS deleted_at TIMESTAMPTZ(6);
  GRANT ALL ON rwtest_user, rwtest_post TO PUBLIC;
  GRANT ALL ON SEQUENCE rwtest_user_id_seq, rwtest_post_id_seq TO PUBLIC;`;

/** Creates the fixture tables (if missing) and waits until every replica has them. */
export async function ensureFixtureSchema(cluster: TestCluster): Promise<void> {
  await adminQuery(cluster, 0, FIXTURE_DDL);
  await waitForReplicas(cluster);
}

/** A unique email, so tests never collide with rows left by another run. */
export const uniqueEmail = (what: string): string =>
  `${what}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`;
