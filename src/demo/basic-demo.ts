// The seed's basic demo: write on the primary, wait until the standbys have replayed that commit, read the row
// back from a standby, and show who answered and how replication stands.
import { readPrimaryWalPosition } from '../replication/primary-wal-position';
import { WAL_INSERT_END_LSN } from '../replication/queries';
import { type ReplicationOverview, readReplicationOverview } from '../replication/replication-overview';
import { type ServerIdentity, askServerIdentity, readServerIdentity } from '../replication/server-identity';
import { syncStandbys } from '../replication/sync-standbys';
import type { ReplayWait } from '../replication/wait-for-replay';
import { queryOnce } from '../db/pg-client';
import type { LsnText } from 'rwsplit';
import type { DemoContext } from './demo-context';

export interface BasicDemoResult {
  readonly written: { readonly id: number; readonly data: string; readonly via: string };
  /** The primary, as it answers for itself. */
  readonly primary: ServerIdentity;
  /** End of the WAL after the write: once a standby has replayed it, it shows the row. */
  readonly lsn: LsnText;
  readonly waits: readonly ReplayWait[];
  /** The row as a standby returned it through the replicated client, or null if it was not there. */
  readonly readBack: { readonly id: number; readonly data: string; readonly createdAt: Date } | null;
  /** The node that served the read, as it answers for itself. */
  readonly readFrom: ServerIdentity;
  readonly overview: ReplicationOverview;
}

/** Runs the basic demo. Returns what happened; printing is formatDemo's job. */
export async function runBasicDemo(ctx: DemoContext): Promise<BasicDemoResult> {
  const { config, client, writer } = ctx;
  const data = `hello from the demo (${ctx.runId})`;
  const written = await writer.write(data);
  const [end] = await queryOnce<{ lsn: string }>(config.primaryUrl, WAL_INSERT_END_LSN);
  const lsn = end?.lsn ?? (await readPrimaryWalPosition(config.primaryUrl)).lsn;
  const sync = await syncStandbys(config, { lsn });
  // One replica client for both queries, so the identity is that of the node that returned the row.
  const replica = client.$replica();
  const readBack = await replica.testReplication.findUnique({ where: { id: written.id } });
  const readFrom = await askServerIdentity(replica);
  return Object.freeze({
    written: { id: written.id, data, via: written.via },
    primary: await readServerIdentity(config.primaryUrl),
    lsn,
    waits: sync.standbys,
    readBack,
    readFrom,
    overview: await readReplicationOverview(config),
  });
}
