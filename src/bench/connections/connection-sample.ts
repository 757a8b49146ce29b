// One look at the connections while the load runs: each node's server connections from the bench's children (from
// pg_stat_activity, over the superuser's own socket connection), and with PgBouncer, each PgBouncer's client and
// server connections (SHOW POOLS). The bench's connections are those with its application_name, and with PgBouncer
// also those from the ports of PgBouncer's server connections (SHOW SERVERS): one it opened but has not yet lent to
// a client has not been given the client's application_name.
import type pg from 'pg';
import { queryOnce } from '../../db/pg-client';
import type { PgBouncerShowRow } from '../../cluster/pgbouncer-process';
import { poolCounts } from './pool-counts';

/** A node to sample: its name, the superuser's connection to it, and its PgBouncer's SHOW command if any. */
export interface SampledNode {
  readonly name: string;
  readonly admin: pg.ClientConfig;
  /** Runs `SHOW <what>` on the node's PgBouncer. */
  readonly show?: (what: 'POOLS' | 'SERVERS') => Promise<readonly PgBouncerShowRow[]>;
}

export interface ConnectionSample {
  /** The bench's server connections (its application_name, or from its PgBouncer's server ports), by node. */
  readonly server: Readonly<Record<string, number>>;
  /** Of `server`, those whose last statement was rwsplit's own health-check or position query, by node. */
  readonly routing: Readonly<Record<string, number>>;
  /** The application's role's other connections (someone else's client on the same cluster), by node. */
  readonly others: Readonly<Record<string, number>>;
  /** Each PgBouncer's client connections for the application's pool, by node; null when direct. */
  readonly pgbouncerClients: Readonly<Record<string, number>> | null;
  /** Each PgBouncer's server connections, by node; null when direct. */
  readonly pgbouncerServers: Readonly<Record<string, number>> | null;
}

/**
 * Client backends of role $1, split by whether they are the bench's (application_name $2, or a client port in $3);
 * the sampler's own backend is excluded (it is the superuser's anyway). `routing` counts the bench's connections whose
 * last statement was one of rwsplit's own (a health check, a caught-up check or a WAL position): its health-check and
 * position pools, direct (through PgBouncer a server connection serves every kind).
 */
const COUNT_SQL = `WITH backends AS (
  SELECT application_name = $2 OR coalesce(client_port = ANY($3::int[]), false) AS ours,
         query ~ '(pg_last_wal_replay_lsn|pg_current_wal|pg_is_in_recovery)' AS routing
    FROM pg_stat_activity
   WHERE usename = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()
)
SELECT count(*) FILTER (WHERE ours)::int AS tagged,
       count(*) FILTER (WHERE ours AND routing)::int AS routing,
       count(*) FILTER (WHERE NOT ours)::int AS others
  FROM backends`;

const SAMPLE_TIMEOUT_MS = 5000;

/** Samples every node at once. */
export async function sampleConnections(
  nodes: readonly SampledNode[],
  who: { readonly user: string; readonly database: string; readonly applicationName: string },
): Promise<ConnectionSample> {
  const rows = await Promise.all(
    nodes.map(async (node) => {
      const servers = node.show ? await node.show('SERVERS') : [];
      const ports = servers.map((row) => Number(row.local_port)).filter(Number.isInteger);
      const [counts] = await queryOnce<{ tagged: number; routing: number; others: number }>(
        node.admin,
        COUNT_SQL,
        [who.user, who.applicationName, ports],
        SAMPLE_TIMEOUT_MS,
        SAMPLE_TIMEOUT_MS,
      );
      const pools = node.show ? poolCounts(await node.show('POOLS'), who.database, who.user) : null;
      return {
        name: node.name,
        tagged: counts?.tagged ?? 0,
        routing: counts?.routing ?? 0,
        others: counts?.others ?? 0,
        pools,
      };
    }),
  );
  const byNode = (value: (r: (typeof rows)[number]) => number) =>
    Object.fromEntries(rows.map((r) => [r.name, value(r)]));
  const viaPgBouncer = rows.every((r) => r.pools !== null);
  return {
    server: byNode((r) => r.tagged),
    routing: byNode((r) => r.routing),
    others: byNode((r) => r.others),
    pgbouncerClients: viaPgBouncer ? byNode((r) => r.pools?.clients ?? 0) : null,
    pgbouncerServers: viaPgBouncer ? byNode((r) => r.pools?.servers ?? 0) : null,
  };
}
