// Patroni as the topology source: `GET /cluster` from any reachable member's REST API (tried in turn, see
// patroni-cluster.ts) lists the members with role, state, host, port, timeline and tags. Hosts and ports come from
// Patroni; the user, password, database and connection parameters from `databaseUrl`.
import { ConfigError, TopologyUnavailableError } from '../errors';
import { parsePostgresUrl, shownValue } from '../postgres/postgres-url';
import {
  type PatroniCluster,
  PATRONI_REQUEST_TIMEOUT_MS,
  readPatroniCluster,
  validateRestUrls,
} from './patroni-cluster';
import type { Topology, TopologyMember, TopologySource } from './topology-source';

export interface PatroniTopologyOptions {
  /** Every member's REST API base URL, tried in turn. Required. @example ['http://10.0.0.1:8008', 'http://10.0.0.2:8008'] */
  readonly restUrls: readonly string[];
  /**
   * A postgres URL whose user, password, database and query parameters every member's URL uses; its host is
   * ignored (each member's comes from Patroni). @example 'postgresql://app:pw@ignored/app?sslmode=require'
   */
  readonly databaseUrl: string;
  /** How often the router reads `/cluster`, in ms. Default 2000 (besides at once after a write error). */
  readonly refreshIntervalMs?: number;
  /** How long one REST call may take before the next member is tried, in ms. Default 1000. */
  readonly requestTimeoutMs?: number;
}

/** Roles that lead (take writes) and states in which a member serves; Patroni names differ across versions. */
const LEADER_ROLES = new Set(['leader', 'master', 'primary']);
const RUNNING_STATES = new Set(['running', 'streaming']);

/**
 * Reads the topology from Patroni's REST API.
 * @example createRwsplit({ PrismaClient, topology: patroniTopology({ restUrls, databaseUrl }) })
 */
export function patroniTopology(options: PatroniTopologyOptions): TopologySource {
  const restUrls = validateRestUrls(options.restUrls, 'patroniTopology restUrls');
  const base = parsePostgresUrl(options.databaseUrl, 'patroniTopology databaseUrl');
  const refreshIntervalMs = options.refreshIntervalMs ?? 2000;
  const requestTimeoutMs = options.requestTimeoutMs ?? PATRONI_REQUEST_TIMEOUT_MS;
  for (const [name, value] of [
    ['refreshIntervalMs', refreshIntervalMs],
    ['requestTimeoutMs', requestTimeoutMs],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new ConfigError(`patroniTopology ${name} must be a whole number of ms ≥ 1, got ${String(value)}.`);
    }
  }
  /** The member's URL: databaseUrl with Patroni's host and port. An IPv6 address gets its brackets. */
  const memberUrl = (name: string, host = '', port = 0) => {
    const u = new URL(base.toString());
    const wanted = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    // URL's setter ignores a host it cannot parse instead of throwing: check that it took.
    u.hostname = wanted;
    if (host === '' || u.hostname !== parsedHost(wanted) || port < 1 || port > 65535) {
      throw new Error(
        `member ${name} has host "${shownValue(host)}" and port ${port}, which make no connection address; ` +
          "check that member's postgresql.connect_address in its Patroni configuration",
      );
    }
    u.port = String(port);
    return u.toString();
  };

  const fromCluster = (cluster: PatroniCluster): Topology => {
    let leaderUrl: string | null = null;
    const members = cluster.members.map((m): TopologyMember => {
      const url = memberUrl(m.name, m.host, m.port);
      const leads = LEADER_ROLES.has(m.role);
      if (leads) leaderUrl = url;
      const running = m.state === '' || RUNNING_STATES.has(m.state);
      const noLoadBalance = m.tags?.noloadbalance === true || m.tags?.noloadbalance === 'true';
      return { url, name: m.name, role: leads ? 'leader' : 'replica', readable: !leads && running && !noLoadBalance };
    });
    return { leaderUrl, members };
  };

  return {
    description: `patroni (${restUrls.length} REST URL${restUrls.length === 1 ? '' : 's'})`,
    refreshIntervalMs,
    async read() {
      const cluster = await readPatroniCluster(restUrls, { requestTimeoutMs });
      try {
        return fromCluster(cluster);
      } catch (err) {
        throw new TopologyUnavailableError(
          `Patroni's /cluster answer (from ${restUrls.join(', ')}) names a member rwsplit cannot connect to: ` +
            `${err instanceof Error ? err.message : String(err)}.`,
          { cause: err },
        );
      }
    },
  };
}

/** The host as a URL holds it (an IPv6 address shortened), or null when it is not a whole host on its own. */
function parsedHost(host: string): string | null {
  try {
    const parsed = new URL(`postgresql://${host}`).hostname;
    // "a/b" parses as host "a" and a path: only the whole string counts.
    return parsed === host || (host.startsWith('[') && parsed.startsWith('[')) ? parsed : null;
  } catch {
    return null;
  }
}
