// SQL the consistency bench runs as the superuser to inject lag and to make every standby synchronous, as named
// constants. ALTER SYSTEM takes no bind parameters, so its text is built by PostgreSQL's own format() from
// parameters and then run: no value is ever spliced into SQL here.

/** Stops WAL replay on a standby: its data freezes while WAL keeps arriving (lag grows, nothing is lost). */
export const PAUSE_REPLAY = 'SELECT pg_wal_replay_pause()';

/** Lets a paused standby replay again. Harmless on a standby that is not paused. */
export const RESUME_REPLAY = 'SELECT pg_wal_replay_resume()';

/** Is replay paused (requested or in effect)? Checked after restoring. */
export const REPLAY_PAUSED = 'SELECT pg_is_wal_replay_paused() AS paused';

/**
 * What postgresql.auto.conf holds for setting $1 (what ALTER SYSTEM wrote earlier), or no row. The value to put
 * back afterwards: RESET when there is none, so the node returns to its config files' value.
 */
export const AUTO_CONF_VALUE = `
  SELECT setting FROM pg_file_settings
   WHERE name = $1 AND sourcefile LIKE '%postgresql.auto.conf'
   ORDER BY seqno DESC LIMIT 1`;

/** The ALTER SYSTEM SET statement for setting $1 = value $2, quoted by format(). */
export const ALTER_SYSTEM_SET_SQL = "SELECT format('ALTER SYSTEM SET %I = %L', $1::text, $2::text) AS sql";

/** The ALTER SYSTEM RESET statement for setting $1, quoted by format(). */
export const ALTER_SYSTEM_RESET_SQL = "SELECT format('ALTER SYSTEM RESET %I', $1::text) AS sql";

/** Makes the postmaster re-read its configuration (ALTER SYSTEM alone changes only the file). */
export const RELOAD_CONF = 'SELECT pg_reload_conf()';

/** The value a fresh session sees for setting $1: after a reload, the sign that it took effect. */
export const CURRENT_SETTING = 'SELECT current_setting($1) AS value';

/**
 * A synchronous_standby_names value naming every streaming standby, all of which must confirm: with
 * remote_apply, a commit then returns only once every standby a read may go to shows it. (ANY 1 of two would
 * let a read on the other standby miss the write.)
 */
export const ALL_STANDBYS_SYNCHRONOUS = `
  SELECT format('ANY %s (%s)', count(*), string_agg(quote_ident(application_name), ', ' ORDER BY application_name))
           AS names,
         count(*)::int AS standbys
    FROM pg_stat_replication WHERE state = 'streaming'`;

/** How many standbys the primary treats as synchronous now (sync or quorum). */
export const SYNCHRONOUS_STANDBY_COUNT = `
  SELECT count(*)::int AS synchronous FROM pg_stat_replication WHERE sync_state IN ('sync', 'quorum')`;
