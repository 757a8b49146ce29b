// The demo's table (prisma/migrations/*/migration.sql) on the HA cluster's leader. Patroni's cluster has only the
// application's role and database; the routed client needs test_replication there before its first write.
import { withPg } from '../../db/pg-client';

/** The migration's DDL made idempotent; an advisory lock keeps two runs from racing on the catalog. */
const DDL = [
  'select pg_advisory_xact_lock(81734201)',
  `create table if not exists test_replication (
     id serial not null,
     data text not null,
     created_at timestamptz(6) not null default current_timestamp,
     constraint test_replication_pkey primary key (id)
   )`,
  'create index if not exists test_replication_created_at_idx on test_replication (created_at desc)',
];

/** Creates test_replication on the leader at `leaderUrl` when missing (the app user owns the database). */
export async function ensureTestReplicationTable(leaderUrl: string): Promise<void> {
  await withPg(leaderUrl, async (client) => {
    await client.query('begin');
    try {
      for (const sql of DDL) await client.query(sql);
      await client.query('commit');
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    }
  });
}
