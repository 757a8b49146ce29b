// The SQL rwsplit itself runs, as named constants; each says why that query. No value is ever interpolated into
// SQL text: everything from outside is a bind parameter.

/**
 * Role and identity of a server: two URLs name the same server when both answers match (its postmaster started at
 * one microsecond and listens on one port), so one primary reached under two names is not split brain.
 */
export const SERVER_ROLE_AND_IDENTITY = `
  SELECT pg_is_in_recovery() AS in_recovery,
         pg_postmaster_start_time()::text || '@' || coalesce(inet_server_port()::text, '') AS identity`;

/** Has this standby replayed up to $1? Compared in PostgreSQL so LSN parsing stays exact. */
export const REPLAYED_UP_TO = 'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS caught_up';

/**
 * A replica's view for a health check, given the primary's current WAL position as $1 (when the primary does
 * not answer, the replica's own receive position stands in, so reads survive a dead primary).
 * Byte lag comes from pg_wal_lsn_diff; time lag from pg_last_xact_replay_timestamp(), which stands still on an
 * idle standby (so the byte rule decides there).
 */
export const REPLICA_HEALTH = `
  SELECT pg_is_in_recovery() AS in_recovery,
         pg_last_wal_replay_lsn()::text AS replay_lsn,
         CASE WHEN pg_is_in_recovery()
              THEN pg_wal_lsn_diff(COALESCE($1::text::pg_lsn, pg_last_wal_receive_lsn()), pg_last_wal_replay_lsn())::float8
         END AS lag_bytes,
         EXTRACT(EPOCH FROM (clock_timestamp() - pg_last_xact_replay_timestamp()))::float8 * 1000 AS lag_ms,
         (SELECT received_tli FROM pg_stat_wal_receiver LIMIT 1) AS timeline`;

/**
 * The primary's synchronous standby setting and how many standbys it could wait for now: those streaming that
 * the setting names (sync_state 'sync' or 'potential' under FIRST n, 'quorum' under ANY n).
 */
export const SYNC_STANDBY_STATE = `
  SELECT current_setting('synchronous_standby_names') AS names,
         (SELECT count(*) FROM pg_stat_replication
           WHERE state = 'streaming' AND sync_state IN ('sync', 'potential', 'quorum'))::int AS connected`;

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
 * without a trailing page header (see endOfLastRecord). What a replica must have replayed to show every write
 * that has returned.
 */
export const WAL_INSERT_END_LSN = endOfLastRecord('pg_current_wal_insert_lsn()');

/** The same correction applied to a given LSN $1, so it can be tested on page and segment boundaries. */
export const END_OF_LAST_RECORD_AT = endOfLastRecord('$1::pg_lsn');

/**
 * The primary's position for read-your-writes (the end of its last WAL record, as WAL_INSERT_END_LSN) and its
 * timeline, read from the name of the current WAL file (its first 8 hex digits): after a promotion, positions on
 * the new timeline are only comparable with replicas that follow it.
 */
export const PRIMARY_POSITION = `
  SELECT end_of_last_record.lsn,
         ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int AS timeline
    FROM (${WAL_INSERT_END_LSN}) AS end_of_last_record`;

/**
 * How far a replica has replayed, and the timeline its WAL receiver streams (NULL while it is not streaming, or
 * when the role may not read pg_stat_wal_receiver: grant it pg_monitor or pg_read_all_stats).
 */
export const REPLICA_REPLAY_STATE = `
  SELECT pg_last_wal_replay_lsn()::text AS replay_lsn,
         (SELECT received_tli FROM pg_stat_wal_receiver LIMIT 1) AS timeline`;
