// One PgBouncer's connections for the application's pool, from its admin console's `SHOW POOLS` rows: the clients
// it holds (each application process's pool connections) and the server connections it opened to its node.
import type { PgBouncerShowRow } from '../../cluster/pgbouncer-process';

export interface PoolCounts {
  /** Client connections: cl_active + cl_waiting (+ cl_idle, a column of PgBouncer 1.21 and later). */
  readonly clients: number;
  /** Server connections: sv_active + sv_idle + sv_used + sv_tested + sv_login. */
  readonly servers: number;
}

const CLIENT_COLUMNS = ['cl_active', 'cl_waiting', 'cl_idle'] as const;
const SERVER_COLUMNS = ['sv_active', 'sv_idle', 'sv_used', 'sv_tested', 'sv_login'] as const;

const sum = (row: PgBouncerShowRow, columns: readonly string[]) =>
  columns.reduce((total, column) => total + (Number(row[column] ?? 0) || 0), 0);

/**
 * The counts of the pool of `user` on `database` in `SHOW POOLS` rows; zero when there is no such row (no client
 * has connected since PgBouncer started).
 * @example poolCounts(await fleet.process(0).admin('SHOW POOLS'), 'rwsplit', 'rwsplit')
 */
export function poolCounts(rows: readonly PgBouncerShowRow[], database: string, user: string): PoolCounts {
  const row = rows.find((r) => r.database === database && r.user === user);
  if (!row) return { clients: 0, servers: 0 };
  return { clients: sum(row, CLIENT_COLUMNS), servers: sum(row, SERVER_COLUMNS) };
}
