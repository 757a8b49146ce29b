// SQL the project runs to watch replication, as named constants. Each says why that query. The queries the
// library itself runs (replay checks, the WAL insert position) come from rwsplit and are re-exported here.
export { END_OF_LAST_RECORD_AT, REPLAYED_UP_TO, SYNC_STANDBY_STATE, WAL_INSERT_END_LSN } from 'rwsplit';

/** Is this server a standby? The only trustworthy answer to "where did this query run". */
export const IS_IN_RECOVERY = 'SELECT pg_is_in_recovery() AS in_recovery';

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

/** Server version string, for the connection check. */
export const SERVER_VERSION = "SELECT current_setting('server_version') AS version";

/** A probe row for lag measurement and the demo: one committed insert whose id the standby must then show. */
export const INSERT_PROBE_ROW = 'INSERT INTO test_replication (data) VALUES ($1) RETURNING id';

/** Does this node show row $1 yet? Proves a replayed LSN made the row visible, not just that WAL arrived. */
export const ROW_IS_PRESENT = 'SELECT EXISTS (SELECT 1 FROM test_replication WHERE id = $1) AS present';
