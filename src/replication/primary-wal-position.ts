// The primary's current WAL position: what a standby must replay to show every commit made so far.
import { type PgTarget, queryOnce } from '../db/pg-client';
import { PRIMARY_WAL_LSN } from './queries';
import type { LsnText } from 'rwsplit';

export interface PrimaryWalPosition {
  /** pg_current_wal_lsn(): WAL written out by the primary so far. */
  readonly lsn: LsnText;
  /** pg_walfile_name(lsn): the WAL segment file that holds it. */
  readonly walFile: string;
}

/** Reads the primary's WAL position on a short-lived connection. Fails clearly on a standby. */
export async function readPrimaryWalPosition(primary: PgTarget): Promise<PrimaryWalPosition> {
  let rows: { lsn: string; walfile: string }[];
  try {
    rows = await queryOnce<{ lsn: string; walfile: string }>(primary, PRIMARY_WAL_LSN);
  } catch (cause) {
    throw new Error(
      'Could not read the primary WAL position (pg_current_wal_lsn). Check that DATABASE_URL points at the ' +
        'primary, not a standby, and that it is up (`npm run check`).',
      { cause },
    );
  }
  const row = rows[0];
  if (!row) throw new Error('pg_current_wal_lsn() returned no row.');
  return Object.freeze({ lsn: row.lsn, walFile: row.walfile });
}
