// The files one PgBouncer reads: its pgbouncer.ini and the userlist it authenticates clients (and itself, to the
// server) with. Pure text, no I/O, so every setting is visible and testable here. One PgBouncer fronts one
// PostgreSQL node: rwsplit must know which node answers, so a PgBouncer never spreads one database over several.
import { PgBouncerConfigError } from './pgbouncer-errors';

/** The lowest port a PgBouncer may listen on (no privileges needed), and the first one Linux lends out. */
const MIN_PORT = 1024;
const EPHEMERAL_START = 32768;

/** A login PgBouncer knows: in its userlist, with a plain-text password (SCRAM both ways needs the plain text). */
export interface PgBouncerLogin {
  readonly user: string;
  readonly password: string;
}

/** The PostgreSQL node a PgBouncer fronts, and the database clients reach through it (same name on both sides). */
export interface PgBouncerServer {
  readonly host: string;
  readonly port: number;
  readonly database: string;
}

/** The pooling settings a user at scale sets; every one has a default (PGBOUNCER_DEFAULTS). */
export interface PgBouncerSettings {
  /** `max_client_conn`: client connections PgBouncer accepts in all (each application process's pool counts). */
  readonly maxClientConn: number;
  /** `default_pool_size`: server connections per user and database, which is what the node really sees. */
  readonly defaultPoolSize: number;
  /** `reserve_pool_size`: extra server connections when a client waited `reserve_pool_timeout` (5 s). */
  readonly reservePoolSize: number;
  /** `max_db_connections`: a cap per database across users; 0 is none. */
  readonly maxDbConnections: number;
  /**
   * `server_login_retry`, in seconds: after a failed connect or login, clients are refused at once for this long.
   * PgBouncer's default is 15; 1 here, so that a node that restarts or is promoted serves again within a second.
   */
  readonly serverLoginRetryS: number;
  /** `query_wait_timeout`, in seconds: how long a client may wait for a server connection (PAUSE included). */
  readonly queryWaitTimeoutS: number;
  /** `server_idle_timeout`, in seconds: an idle server connection is closed after this. */
  readonly serverIdleTimeoutS: number;
  /** Other `[pgbouncer]` settings, written as given; one already set here is replaced (e.g. `{ stats_period: 10 }`). */
  readonly extra: Readonly<Record<string, string | number>>;
}

export const PGBOUNCER_DEFAULTS: PgBouncerSettings = Object.freeze({
  maxClientConn: 1000,
  defaultPoolSize: 20,
  reservePoolSize: 0,
  maxDbConnections: 0,
  serverLoginRetryS: 1,
  queryWaitTimeoutS: 120,
  serverIdleTimeoutS: 600,
  extra: Object.freeze({}),
});

/** The account allowed every admin console command (SHOW, PAUSE, RESUME, RELOAD…); a development value. */
export const PGBOUNCER_ADMIN: PgBouncerLogin = Object.freeze({ user: 'pgbouncer_admin', password: 'pgbouncer-dev' });

/** Where one PgBouncer keeps its files; PgBouncer writes the log and the pid file itself. */
export interface PgBouncerFiles {
  readonly ini: string;
  readonly userlist: string;
  readonly log: string;
  readonly pid: string;
}

export interface PgBouncerInstanceConfig {
  /** A name for messages and file names, e.g. the node's (`primary`, `standby1`). */
  readonly name: string;
  /** Always loopback for the local tooling. */
  readonly listenHost: string;
  /** Below 32768 (Linux lends 32768-60999 to outgoing connections). */
  readonly listenPort: number;
  readonly server: PgBouncerServer;
  /** The application's logins: clients log in as these, and PgBouncer logs in to the server as them (SCRAM). */
  readonly logins: readonly PgBouncerLogin[];
  /** The admin console's account (`admin_users`). */
  readonly admin: PgBouncerLogin;
  /** Accounts allowed read-only SHOW commands (`stats_users`), e.g. the application's for monitoring. */
  readonly statsUsers: readonly string[];
  readonly files: PgBouncerFiles;
  readonly settings: PgBouncerSettings;
}

/** What PgBouncer reads: the ini and the userlist (the latter to be readable by PgBouncer's account only). */
export interface PgBouncerConfigFiles {
  readonly ini: string;
  readonly userlist: string;
}

/** Text PgBouncer's ini parser would cut or misread: control characters, quotes, comment and list separators. */
const UNSAFE_INI_VALUE = /[\p{Cc}"';#,=\\]|^\s|\s$/u;
/** A name usable unquoted in `[databases]` and in a connection string. */
const PLAIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

function checked(what: string, value: string, pattern: RegExp | null, unsafe: RegExp | null): string {
  if (value === '' || (pattern && !pattern.test(value)) || (unsafe && unsafe.test(value))) {
    throw new PgBouncerConfigError(
      `PgBouncer cannot take ${what} "${value}": use letters, digits, "_", "." and "-" (paths: no quotes, ` +
        'commas, semicolons, "#", "=" or backslashes).',
    );
  }
  return value;
}

function checkedPort(what: string, port: number): number {
  if (!Number.isInteger(port) || port < MIN_PORT || port >= EPHEMERAL_START) {
    throw new PgBouncerConfigError(
      `${what} ${port} is not a port PgBouncer may use here: choose one from ${MIN_PORT} to ${EPHEMERAL_START - 1} ` +
        '(Linux lends 32768-60999 to outgoing connections, which can take a stopped server port).',
    );
  }
  return port;
}

function checkedCount(what: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new PgBouncerConfigError(`PgBouncer's ${what} must be a whole number of at least ${min} (got ${value}).`);
  }
  return value;
}

/** A userlist line: both fields double-quoted, a `"` inside doubled (PgBouncer's auth_file format). */
function userlistLine(login: PgBouncerLogin): string {
  if (/[\p{Cc}]/u.test(login.user) || /[\p{Cc}]/u.test(login.password) || login.user === '') {
    throw new PgBouncerConfigError(
      `PgBouncer's userlist cannot hold the login "${login.user}": a user name must be non-empty, and neither it ` +
        'nor the password may contain control characters (newlines, tabs).',
    );
  }
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return `${quote(login.user)} ${quote(login.password)}`;
}

/** The pgbouncer.ini and userlist of one PgBouncer. Throws `PgBouncerConfigError` on a value it cannot write. */
export function pgbouncerConfig(config: PgBouncerInstanceConfig): PgBouncerConfigFiles {
  const s = config.settings;
  const database = checked('the database name', config.server.database, PLAIN_NAME, null);
  const serverHost = checked('the server host', config.server.host, PLAIN_NAME, null);
  const serverPort = checkedPort('The server port', config.server.port);
  const listenPort = checkedPort('The PgBouncer port', config.listenPort);
  const listenHost = checked('the listen address', config.listenHost, PLAIN_NAME, null);
  const path = (what: string, p: string) => checked(what, p, null, UNSAFE_INI_VALUE);
  const userName = (u: string) => checked('the user name', u, PLAIN_NAME, null);
  const logins = [...config.logins, config.admin];
  const names = logins.map((l) => userName(l.user));
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) {
    throw new PgBouncerConfigError(
      `The login "${repeated}" is given twice for PgBouncer ${config.name} (the admin account must be separate).`,
    );
  }
  // The [pgbouncer] section in order; a comment line goes before the setting it explains.
  const section: (readonly [key: string, value: string | number] | string)[] = [
    ['listen_addr', listenHost],
    ['listen_port', listenPort],
    '; TCP only: no socket file in /tmp to clash with another PgBouncer on the same port number.',
    ['unix_socket_dir', ''],
    ['logfile', path('the log file', config.files.log)],
    ['pidfile', path('the pid file', config.files.pid)],
    ['auth_type', 'scram-sha-256'],
    ['auth_file', path('the userlist file', config.files.userlist)],
    ['admin_users', config.admin.user],
    ['stats_users', config.statsUsers.map(userName).join(', ')],
    ['pool_mode', 'transaction'],
    '; Transaction pooling hands a server connection to the next client at COMMIT and runs no reset query then',
    '; (server_reset_query applies to session pooling only), so none is configured.',
    ['server_reset_query', ''],
    ['max_client_conn', checkedCount('max_client_conn', s.maxClientConn, 1)],
    ['default_pool_size', checkedCount('default_pool_size', s.defaultPoolSize, 1)],
    ['reserve_pool_size', checkedCount('reserve_pool_size', s.reservePoolSize, 0)],
    ['max_db_connections', checkedCount('max_db_connections', s.maxDbConnections, 0)],
    ['server_login_retry', checkedCount('server_login_retry', s.serverLoginRetryS, 0)],
    ['query_wait_timeout', checkedCount('query_wait_timeout', s.queryWaitTimeoutS, 0)],
    ['server_idle_timeout', checkedCount('server_idle_timeout', s.serverIdleTimeoutS, 0)],
    '; One line per connection would flood the log at scale; errors are still logged.',
    ['log_connections', 0],
    ['log_disconnections', 0],
    '; ignore_startup_parameters stays at its default (none): a client sending a startup parameter PgBouncer does',
    '; not track is refused, as it would be in production. rwsplit sends none.',
  ];
  for (const [key, value] of Object.entries(s.extra)) {
    checked('the setting name', key, /^[a-z_]+$/, null);
    const text = checked(`the value of ${key}`, String(value), null, /[\p{Cc}]/u);
    const at = section.findIndex((entry) => typeof entry !== 'string' && entry[0] === key);
    if (at >= 0) section[at] = [key, text];
    else section.push([key, text]);
  }
  const ini = [
    `; PgBouncer for ${config.name}, written by rwsplit's local tooling (src/cluster/pgbouncer-config.ts).`,
    '; Rewritten at every start: change the options, not this file.',
    '',
    '[databases]',
    "; Clients log in as themselves: no user here, so PgBouncer logs in to the server with the client's userlist",
    '; entry (SCRAM, from the plain-text password).',
    `${database} = host=${serverHost} port=${serverPort} dbname=${database}`,
    '',
    '[pgbouncer]',
    ...section.map((entry) => (typeof entry === 'string' ? entry : `${entry[0]} = ${entry[1]}`.trimEnd())),
    '',
  ].join('\n');
  const userlist = `${logins.map(userlistLine).join('\n')}\n`;
  return { ini, userlist };
}
