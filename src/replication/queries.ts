// SQL the project runs to watch replication, as named constants. Each says why that query.

/** Is this server a standby? The only trustworthy answer to "where did this query run". */
export const IS_IN_RECOVERY = 'SELECT pg_is_in_recovery() AS in_recovery';

/**
 * Role and identity of a server: two URLs name the same server when both answers match (its postmaster started at
 * one microsecond and listens on one port), so one primary reached under two names is not split brain.
 */
export const SERVER_ROLE_AND_IDENTITY = `
  SELECT pg_is_in_recovery() AS in_recovery,
         pg_postmaster_start_time()::text || '@' || coalesce(inet_server_port()::text, '') AS identity`;

/** Which server answered: the port it listens on plus its role, to prove routing. */
export const SERVER_IDENTITY =
  "SELECT inet_server_port() AS port, pg_is_in_recovery() AS in_recovery, current_setting('cluster_name') AS name";

/** The primary's WAL insert position: what a standby must replay before it shows every committed write. */
export const PRIMARY_WAL_LSN =
  'SELECT pg_current_wal_lsn()::text AS lsn, pg_walfile_name(pg_current_wal_lsn()) AS walfile';

/** The LSN a session must wait for after its own write (insert position, so it covers the commit record). */
export const CURRENT_WAL_INSERT_LSN = 'SELECT pg_current_wal_insert_lsn()::text AS lsn';

/**
 * Each standby as the primary sees it, with byte lag from pg_wal_lsn_diff and PostgreSQL's own lag intervals
 * (NULL while idle: PostgreSQL clears them when the standby has caught up and nothing new arrives).
 */
export const REPLICATION_STATUS = `
  SELECT application_name, client_addr::text AS client_addr, state, sync_state,
         sent_lsn::text AS sent_lsn, write_lsn::text AS write_lsn,
         flush_lsn::text AS flush_lsn, replay_lsn::text AS replay_lsn,
         pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 AS replay_lag_bytes,
         EXTRACT(EPOCH FROM write_lag)::float8 AS write_lag_seconds,
         EXTRACT(EPOCH FROM flush_lag)::float8 AS flush_lag_seconds,
         EXTRACT(EPOCH FROM replay_lag)::float8 AS replay_lag_seconds
    FROM pg_stat_replication
   ORDER BY application_name`;

/**
 * A standby's own view: receive and replay positions and the commit time of the last replayed transaction.
 * pg_last_xact_replay_timestamp() is NULL on a primary and stands still on an idle standby.
 */
export const STANDBY_STATUS = `
  SELECT pg_is_in_recovery() AS in_recovery,
         pg_last_wal_receive_lsn()::text AS receive_lsn,
         pg_last_wal_replay_lsn()::text AS replay_lsn,
         pg_last_xact_replay_timestamp() AS last_replay_at,
         pg_is_wal_replay_paused() AS replay_paused,
         CASE WHEN pg_is_in_recovery()
              THEN EXTRACT(EPOCH FROM (clock_timestamp() - pg_last_xact_replay_timestamp()))::float8
         END AS seconds_since_last_replay`;

/** The replay position only: the cheap check for "has this standby caught up to LSN x". */
export const REPLICA_REPLAY_LSN = 'SELECT pg_last_wal_replay_lsn()::text AS lsn';

/** Has this standby replayed up to $1? Compared in PostgreSQL so LSN parsing stays exact. */
export const REPLAYED_UP_TO = 'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS caught_up';

/** Server version string, for the connection check. */
export const SERVER_VERSION = "SELECT current_setting('server_version') AS version";

/** A probe row for lag measurement and the demo: one committed insert whose id the standby must then show. */
export const INSERT_PROBE_ROW = 'INSERT INTO test_replication (data) VALUES ($1) RETURNING id';

/** Does this node show row $1 yet? Proves a replayed LSN made the row visible, not just that WAL arrived. */
export const ROW_IS_PRESENT = 'SELECT EXISTS (SELECT 1 FROM test_replication WHERE id = $1) AS present';

// pg_current_wal_insert_lsn() points just past the header of a fresh WAL page (24 bytes; 40 at a segment start)
// when the last record ended exactly on a page boundary. No standby replays up to that position until more WAL
// is written (on an idle primary, seconds later), so a wait for it stalls. Stepping back over the header gives
// the end of the last inserted record, which is exact whatever synchronous_commit says. (Header sizes are those
// of 64-bit builds.)
const endOfLastRecord = (source: string) => `
  SELECT (lsn - CASE WHEN in_segment = 40 THEN 40
                     WHEN in_page = 24 AND in_segment > in_page THEN 24
                     ELSE 0 END)::text AS lsn
    FROM (SELECT lsn,
                 pg_wal_lsn_diff(lsn, '0/0') % pg_size_bytes(current_setting('wal_segment_size')) AS in_segment,
                 pg_wal_lsn_diff(lsn, '0/0') % current_setting('wal_block_size')::numeric AS in_page
            FROM (SELECT ${source} AS lsn) AS source) AS offsets`;

/**
 * The LSN to wait for after a commit: the end of the last WAL record inserted, i.e. pg_current_wal_insert_lsn()
 * without a trailing page header (see endOfLastRecord). Use it instead of CURRENT_WAL_INSERT_LSN for waits.
 */
export const WAL_INSERT_END_LSN = endOfLastRecord('pg_current_wal_insert_lsn()');

/** The same correction applied to a given LSN $1, so it can be tested on page and segment boundaries. */
export const END_OF_LAST_RECORD_AT = endOfLastRecord('$1::pg_lsn');
