// `npm run cluster:failover`: a failover of the local cluster watched through one routed client. The router writes
// before the failover, the primary is stopped (immediate) and a standby promoted, and the same router writes
// again: it finds the new primary by itself. Each step prints what the servers say, never what we assume.
import Table from 'cli-table3';
import type { Config } from '../config';
import { queryOnce } from '../db/pg-client';
import type { RwsplitEvent } from 'rwsplit';
import { createRwsplitFromConfig, type AppRwsplit, type AppRwsplitOptions } from '../db/app-rwsplit';
import { ensureReady, formatStatus, localClusterFor } from './cluster-commands';
import type { LocalCluster } from './local-cluster';

/** Where a standby's WAL comes from, from the standby's own WAL receiver: proves it follows the new primary. */
const WAL_RECEIVER_SOURCE = 'SELECT status, sender_port FROM pg_stat_wal_receiver';

/** Who answered a query: port and role as the server reports them. */
const WHO_ANSWERED = 'SELECT inet_server_port() AS port, pg_is_in_recovery() AS in_recovery';

/** How to return the cluster to a primary and two standbys after the demo. */
export const RESTORE_HINT = 'npm run cluster:reset && npm run cluster:up';

export interface FailoverDemoOptions {
  /** The standby to promote. Default `standby1`. */
  readonly promote?: string;
  /** Receives each step's text as it finishes. Default: silent. */
  readonly print?: (text: string) => void;
  /** Extra options for the demo's router (tests shorten intervals). Default: the environment's. */
  readonly router?: Partial<AppRwsplitOptions>;
}

export interface ServerAnswer {
  readonly port: number;
  readonly inRecovery: boolean;
}

export interface FailoverDemoResult {
  /** The row written before the failover, and the server that took it. */
  readonly before: { readonly id: number; readonly server: ServerAnswer };
  readonly oldPrimary: string;
  readonly newPrimary: string;
  /** The row written after, through the same router, and the server that took it. */
  readonly after: { readonly id: number; readonly server: ServerAnswer };
  /** The router's `primary_changed` event, or null if it never saw one. */
  readonly primaryChanged: { readonly from: string; readonly to: string } | null;
  /** Each remaining standby's WAL receiver: its state and the port it streams from. */
  readonly standbys: readonly { readonly name: string; readonly status: string; readonly senderPort: number }[];
  /** The read-your-writes read of the second row after the failover: which node served it, and what it found. */
  readonly read: { readonly node: string; readonly role: string; readonly found: boolean };
}

/** Runs the demo on the local cluster. It leaves the cluster failed over (see RESTORE_HINT). */
export async function runFailoverDemo(config: Config, options: FailoverDemoOptions = {}): Promise<FailoverDemoResult> {
  const print = options.print ?? (() => undefined);
  const clusterLog: string[] = [];
  const cluster = localClusterFor(config, (line) => clusterLog.push(`  ${line}`));
  const current = await cluster.primaryName();
  if (current !== cluster.nodes[0]!.name) {
    throw new Error(`The local cluster has already failed over (${current} is primary). Start afresh: ${RESTORE_HINT}`);
  }
  await ensureReady(config);
  const events: RwsplitEvent[] = [];
  const rw = await createRwsplitFromConfig(config, {
    readYourWritesWaitMs: 5000,
    ...options.router,
    onEvent: (e) => events.push(e),
  });
  try {
    return await steps(cluster, rw, events, clusterLog, options.promote ?? 'standby1', print);
  } finally {
    await rw.close();
  }
}

async function steps(
  cluster: LocalCluster,
  rw: AppRwsplit,
  events: readonly RwsplitEvent[],
  clusterLog: string[],
  promote: string,
  print: (text: string) => void,
): Promise<FailoverDemoResult> {
  const tag = `failover demo ${process.pid}-${Date.now().toString(36)}`;
  const first = await rw.client.testReplication.create({ data: { data: `${tag}: before` } });
  const beforeServer = await whoAnswered(rw);
  print(
    step(1, 'write through the router before the failover', [
      `row ${first.id} written by ${rw.primaryName()}; the server says port ${beforeServer.port}, ` +
        `pg_is_in_recovery = ${beforeServer.inRecovery}`,
    ]),
  );

  const oldNode = cluster.node(await cluster.primaryName());
  const { oldPrimary, newPrimary } = await cluster.failover(promote);
  const newNode = cluster.node(newPrimary);
  print(
    step(2, `fail over: stop ${oldPrimary} (immediate), promote ${newPrimary}, repoint the other standbys`, [
      ...clusterLog.splice(0),
      `${oldPrimary} (port ${oldNode.port}) is retired; ${newPrimary} (port ${newNode.port}) is primary`,
    ]),
  );

  // One scope, so the read in step 5 must see this write (read-your-writes).
  const { second, afterServer, token } = await rw.session(async () => {
    const row = await rw.client.testReplication.create({ data: { data: `${tag}: after` } });
    return { second: row, afterServer: await whoAnswered(rw), token: await rw.token() };
  });
  const changed = events.find((e) => e.event === 'primary_changed');
  const primaryChanged = changed ? { from: changed.from, to: changed.to } : null;
  print(
    step(3, 'write again through the same router', [
      primaryChanged
        ? `the write met the stopped primary; the router found the new one: primary_changed ${primaryChanged.from} → ${primaryChanged.to}`
        : 'the router saw no primary_changed event',
      `row ${second.id} written; the server says port ${afterServer.port}, pg_is_in_recovery = ${afterServer.inRecovery}`,
      ...(second.id > first.id + 1
        ? ['(ids may jump after a promotion: PostgreSQL logs sequence values up to 32 ahead)']
        : []),
    ]),
  );

  const standbys = await Promise.all(
    cluster.nodes
      .filter((n) => n !== oldNode && n !== newNode)
      .map(async (n) => {
        const rows = await queryOnce<{ status: string; sender_port: number }>(
          cluster.adminTarget(n),
          WAL_RECEIVER_SOURCE,
        );
        return { name: n.name, status: rows[0]?.status ?? 'no WAL receiver', senderPort: rows[0]?.sender_port ?? 0 };
      }),
  );
  const table = new Table({ head: ['standby', 'WAL receiver', 'streams from port'], style: { head: [], border: [] } });
  for (const s of standbys) table.push([s.name, s.status, s.senderPort]);
  print(
    step(4, `the other standbys stream from ${newPrimary}`, [table.toString(), formatStatus(await cluster.status())]),
  );

  await rw.checkNow();
  const found = await rw.session(() => rw.client.testReplication.findUnique({ where: { id: second.id } }), {
    token: token ?? undefined,
  });
  const served = [...events].reverse().find((e) => e.event === 'query');
  const read = {
    node: served?.event === 'query' ? served.node : 'unknown',
    role: served?.event === 'query' ? served.role : 'unknown',
    found: found !== null,
  };
  const health = new Table({ head: ['replica', 'eligible', 'why not'], style: { head: [], border: [] } });
  for (const r of rw.replicas()) health.push([r.name, r.eligible ? 'yes' : 'no', r.reason ?? '-']);
  print(
    step(5, 'reads still work', [
      health.toString(),
      `read-your-writes read of row ${second.id}: served by ${read.node} (${read.role}), ${read.found ? 'found' : 'NOT found'}`,
    ]),
  );
  print(
    `\nThe cluster is left failed over: ${oldPrimary} stays down (status shows it retired) and ` +
      `${newPrimary} is primary.\nTo get back to a primary and two standbys: ${RESTORE_HINT}`,
  );
  return {
    before: { id: first.id, server: beforeServer },
    oldPrimary,
    newPrimary,
    after: { id: second.id, server: afterServer },
    primaryChanged,
    standbys,
    read,
  };
}

async function whoAnswered(rw: AppRwsplit): Promise<ServerAnswer> {
  const rows = await rw.client.$queryRawUnsafe<{ port: number; in_recovery: boolean }[]>(WHO_ANSWERED);
  return { port: rows[0]!.port, inRecovery: rows[0]!.in_recovery };
}

function step(n: number, title: string, lines: readonly string[]): string {
  return [`\n${n}. ${title}`, ...lines.map((l) => l.replace(/^/gm, '   '))].join('\n');
}
