// How the HA cluster looks from Patroni's /cluster: a table for people, and a verdict for commands and waits.
import Table from 'cli-table3';
import type { PatroniCluster, PatroniMember } from './patroni-rest';

export interface HaHealth {
  readonly healthy: boolean;
  /** The running leader, when there is exactly one. */
  readonly leader: PatroniMember | undefined;
  /** Replicas whose PostgreSQL runs (state `running` or `streaming`). */
  readonly replicas: readonly PatroniMember[];
  /** Why it is not healthy, or "healthy". */
  readonly summary: string;
}

/** Replica states of a member whose PostgreSQL is up (3.0.2 says `running`; later versions say `streaming`). */
const UP_STATES = new Set(['running', 'streaming']);

/** True for the roles Patroni gives a replica (an async one, or a synchronous standby). */
export function isReplicaRole(role: string): boolean {
  return role === 'replica' || role === 'sync_standby';
}

/**
 * Healthy means: exactly one leader, running, and `expectedMembers - 1` replicas up on its timeline, none with
 * unknown lag. Streaming
 * itself is checked on the leader (pg_stat_replication), since /cluster's state does not say it in 3.0.2.
 */
export function clusterHealth(cluster: PatroniCluster, expectedMembers: number): HaHealth {
  const leaders = cluster.members.filter((m) => m.role === 'leader');
  const leader = leaders.length === 1 && leaders[0]?.state === 'running' ? leaders[0] : undefined;
  const replicas = cluster.members.filter(
    (m) => isReplicaRole(m.role) && UP_STATES.has(m.state) && m.lag !== 'unknown',
  );
  const problems: string[] = [];
  if (leaders.length === 0) problems.push('no leader');
  else if (leaders.length > 1) problems.push(`${leaders.length} leaders`);
  else if (!leader) problems.push(`leader ${leaders[0]?.name} is ${leaders[0]?.state}`);
  // /cluster takes each member's timeline from the DCS, refreshed once per loop: right after a leader change some
  // still show the old one. Healthy waits until they agree.
  const behind = leader ? replicas.filter((r) => r.timeline !== leader.timeline).map((r) => r.name) : [];
  if (behind.length > 0) problems.push(`${behind.join(', ')} not on the leader's timeline ${leader?.timeline} yet`);
  if (replicas.length < expectedMembers - 1) {
    const others = cluster.members
      .filter((m) => m.role !== 'leader' && !replicas.includes(m))
      .map((m) => `${m.name} ${m.role}/${m.state}`);
    problems.push(
      `${replicas.length} of ${expectedMembers - 1} replicas up` + (others.length ? ` (${others.join(', ')})` : ''),
    );
  }
  return {
    healthy: problems.length === 0,
    leader,
    replicas,
    summary: problems.length === 0 ? 'healthy' : problems.join('; '),
  };
}

/** One line per member, e.g. `ha1 leader running tl 2 127.0.0.1:15531`, for logs and wait messages. */
export function describeMembers(cluster: PatroniCluster): string {
  return (
    cluster.members
      .map((m) => `${m.name} ${m.role}/${m.state} tl ${m.timeline ?? '?'}${m.lag === undefined ? '' : ` lag ${m.lag}`}`)
      .join(', ') || 'no members'
  );
}

/** The table `npm run ha:status` prints. */
export function formatHaStatus(cluster: PatroniCluster): string {
  const table = new Table({
    head: ['member', 'role', 'state', 'timeline', 'lag (bytes)', 'host:port'],
    style: { head: [], border: [] },
  });
  for (const m of [...cluster.members].sort((a, b) => a.name.localeCompare(b.name))) {
    table.push([m.name, m.role, m.state, m.timeline ?? '-', m.lag ?? '-', m.host ? `${m.host}:${m.port ?? '?'}` : '-']);
  }
  return table.toString();
}
