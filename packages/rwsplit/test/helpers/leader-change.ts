// One leader change of the Patroni cluster under the write + read-your-writes workload: a REST switchover, or the
// leader's PostgreSQL killed (Patroni fails over). Afterwards the new leader is asked, over plain pg and not through
// the router under test, which acknowledged writes it holds.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Rwsplit } from '../../src';
import type { PrismaClient } from '../fixture/generated/client';
import type { HaCluster, HaMember } from './cluster-kit';
import { waitUntil } from './wait-until';
import { startWriteReadWorkload, type WorkloadResult } from './write-read-workload';

export type LeaderChangeKind = 'switchover' | 'failover';

export interface LeaderChangeRun {
  readonly kind: LeaderChangeKind;
  /** Patroni member names. */
  readonly from: string;
  readonly to: string;
  /** performance.now() when the switchover was asked for, or the leader killed. */
  readonly actionAt: number;
  readonly workload: WorkloadResult;
  /** Acknowledged emails the new leader does not hold. */
  readonly lostWrites: readonly string[];
  /** Of the outcome-unknown writes, how many did land on the new leader. */
  readonly outcomeUnknownApplied: number;
}

/** Bound of each wait below; they end as soon as their condition holds. */
const WAIT_MS = 45_000;
/** Reads the workload completes before the action, and again on the new topology before it stops. */
const READS_AROUND_THE_CHANGE = 20;

/** The emails of `emails` that rwtest_user on `url` does not hold. */
async function missingEmails(url: string, emails: readonly string[]): Promise<string[]> {
  if (emails.length === 0) return [];
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, query_timeout: 30_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ email: string }>(
      'SELECT email FROM rwtest_user WHERE email = ANY($1::text[])',
      [[...emails]],
    );
    const present = new Set(rows.map((r) => r.email));
    return emails.filter((e) => !present.has(e));
  } finally {
    await client.end();
  }
}

/** Runs one leader change of `kind` under the workload on `rw` (never waits for the old leader to rejoin). */
export async function runLeaderChange(
  kind: LeaderChangeKind,
  ha: HaCluster,
  rw: Rwsplit<PrismaClient>,
): Promise<LeaderChangeRun> {
  const workload = startWriteReadWorkload(rw);
  let result: WorkloadResult | undefined;
  try {
    // The routed client has written and read on the current leader and its replicas before anything moves.
    await waitUntil(() => workload.reads() >= READS_AROUND_THE_CHANGE, 'the workload to warm up', WAIT_MS);
    const actionAt = performance.now();
    const change =
      kind === 'switchover' ? await ha.switchover({ rejoin: false }) : await ha.killLeader({ rejoin: false });
    // The new leader accepts writes now: writes through rwsplit have resumed once one sent from here on is
    // acknowledged. Then the workload goes on for a while on the new topology.
    const writableAt = performance.now();
    await waitUntil(
      () => workload.writes.some((w) => w.failure === null && w.startedAt >= writableAt),
      'a write through rwsplit acknowledged after the leader change',
      WAIT_MS,
    );
    const readsThen = workload.reads();
    await waitUntil(
      () => workload.reads() >= readsThen + READS_AROUND_THE_CHANGE,
      'reads on the new topology',
      WAIT_MS,
    );
    result = await workload.stop();

    let leader: HaMember | undefined;
    await waitUntil(
      async () => {
        leader = (await ha.members()).find((m) => m.role === 'leader' && m.name === change.to);
        return leader !== undefined;
      },
      `/cluster naming ${change.to} the leader`,
      WAIT_MS,
    );
    const url = ha.memberUrl(leader!);
    const unknownMissing = await missingEmails(url, result.outcomeUnknown);
    return {
      kind,
      from: change.from,
      to: change.to,
      actionAt,
      workload: result,
      lostWrites: await missingEmails(url, result.acknowledged),
      outcomeUnknownApplied: result.outcomeUnknown.length - unknownMissing.length,
    };
  } finally {
    if (!result) await workload.stop();
  }
}
