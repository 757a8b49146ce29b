// One leader change under the write + read-your-writes workload: a REST switchover or the leader's postmaster
// killed (Patroni fails over). Measures, in the same run, when writes through rwsplit were unavailable and when
// Patroni's new leader first accepted a write over plain pg, then checks on the new leader that every acknowledged
// write is there.
import { performance } from 'node:perf_hooks';
import { clusterState } from '../../ha/ha-cluster';
import { appUrl, type HaConfig, memberByName, restUrl } from '../../ha/ha-config';
import { killPostmaster } from '../../ha/member-process';
import { type PatroniMember, postSwitchover } from '../../ha/patroni-rest';
import { switchoverCandidate } from '../../ha/synchronous-mode';
import { waitFor } from '../../ha/wait-for';
import type { HaRwsplit } from './ha-rwsplit';
import { missingRows } from './missing-rows';
import { probeWritableLeader } from './writable-leader-probe';
import { startWriteReadWorkload, type WorkloadOptions, type WorkloadResult } from './write-read-workload';
import { writeUnavailability, type WriteUnavailability } from './write-unavailability';

export type LeaderChangeKind = 'switchover' | 'failover';
export const LEADER_CHANGE_KINDS: readonly LeaderChangeKind[] = ['switchover', 'failover'];

export interface LeaderChangeContext {
  readonly config: HaConfig;
  readonly restUrls: readonly string[];
  readonly rw: HaRwsplit;
  readonly workload?: WorkloadOptions;
  /** Workload before the action, in ms (the routed client warmed up, replicas serving). Default 1000. */
  readonly warmupMs?: number;
  /** Workload after writes resumed, in ms (reads and writes on the new topology). Default 1000. */
  readonly settleMs?: number;
  /** Bound of every wait (new leader writable, writes resumed), in ms. Default 45 000. */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface LeaderChangeRun {
  readonly kind: LeaderChangeKind;
  /** Member names, and the new leader's host:port as Patroni lists it. */
  readonly from: string;
  readonly to: string;
  readonly toAddress: string;
  /** performance.now() of the action (the REST request sent, the SIGKILL sent). */
  readonly actionAt: number;
  /** From the action to the new leader accepting a write over plain pg (50 ms polls), in ms. */
  readonly patroniLeaderChangeMs: number;
  readonly unavailability: WriteUnavailability;
  readonly workload: WorkloadResult;
  /** Acknowledged values not on the new leader at the end. */
  readonly lostWrites: readonly string[];
  /** Of the outcome-unknown writes, how many did land on the new leader. */
  readonly outcomeUnknownApplied: number;
  /** Where rwsplit sends writes at the end (`host:port`). */
  readonly primaryAfter: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function address(m: PatroniMember): string {
  return `${m.host ?? '?'}:${m.port ?? '?'}`;
}

/** Runs one leader change of `kind` under the workload and returns what it measured (never waits for rejoin). */
export async function runLeaderChange(kind: LeaderChangeKind, ctx: LeaderChangeContext): Promise<LeaderChangeRun> {
  const log = ctx.log ?? (() => undefined);
  const timeoutMs = ctx.timeoutMs ?? 45_000;
  const cfg = ctx.config;
  const before = await clusterState(ctx.restUrls);
  const leader = before.members.find((m) => m.role === 'leader' && m.state === 'running');
  if (!leader) throw new Error(`No running leader before the ${kind}.`);
  const targets = before.members
    .filter((m) => m.name !== leader.name && m.host && m.port && m.state !== 'stopped')
    .map((m) => ({ name: m.name, url: appUrl(cfg, m.host!, m.port!) }));

  // In synchronous mode Patroni switches over only to its sync standby: named explicitly, as `ha:switchover` does.
  const candidate = kind === 'switchover' ? await switchoverCandidate(cfg, ctx.restUrls) : undefined;

  const workload = startWriteReadWorkload(ctx.rw, ctx.workload);
  let result: WorkloadResult | undefined;
  try {
    await sleep(ctx.warmupMs ?? 1000);
    const probe = probeWritableLeader(targets);
    log(
      `${kind}: leader ${leader.name} (${address(leader)}), workload running` +
        (candidate ? `; switching over to the sync standby ${candidate}` : ''),
    );
    const actionAt = performance.now();
    // The switchover's REST call answers only once Patroni is done; the probe times the leader change meanwhile.
    const action =
      kind === 'switchover'
        ? postSwitchover(restUrl(cfg, memberByName(cfg, leader.name)), leader.name, candidate)
        : killPostmaster(memberByName(cfg, leader.name));
    // A refused request (or kill) ends the wait at once; otherwise the probe is bounded by the timeout.
    const failed = action.then(
      () => null,
      (err: unknown) => {
        void probe.stop();
        return err;
      },
    );
    const timer = setTimeout(() => void probe.stop(), timeoutMs);
    const writable = await probe.writable;
    clearTimeout(timer);
    await probe.stop();
    const actionError = await failed;
    if (actionError) throw new Error(`The ${kind} of ${leader.name} failed.`, { cause: actionError });
    if (!writable)
      throw new Error(`No member but ${leader.name} accepted a write within ${timeoutMs} ms of the ${kind}.`);
    log(`${kind}: ${writable.name} accepts writes ${(writable.at - actionAt).toFixed(0)} ms after the action`);

    // Writes through rwsplit have resumed once a write sent after the new leader was writable is acknowledged.
    await waitFor(
      'a write through rwsplit acknowledged after the leader change',
      async () =>
        workload.writes.some((w) => w.failure === null && w.startedAt >= writable.at)
          ? { done: true, value: undefined }
          : { done: false, seen: `${workload.writes.filter((w) => w.failure !== null).length} failed writes so far` },
      { timeoutMs, everyMs: 50 },
    );
    await sleep(ctx.settleMs ?? 1000);
    result = await workload.stop();

    const after = await waitFor(
      `/cluster naming ${writable.name} the leader`,
      async () => {
        const state = await clusterState(ctx.restUrls);
        const m = state.members.find((x) => x.role === 'leader' && x.name === writable.name);
        return m ? { done: true, value: m } : { done: false, seen: JSON.stringify(state.members) };
      },
      { timeoutMs, everyMs: 100 },
    );
    const newLeaderUrl = appUrl(cfg, after.host!, after.port!);
    const lostWrites = await missingRows(newLeaderUrl, result.acknowledged);
    const unknownMissing = await missingRows(newLeaderUrl, result.outcomeUnknown);
    return {
      kind,
      from: leader.name,
      to: after.name,
      toAddress: address(after),
      actionAt,
      patroniLeaderChangeMs: writable.at - actionAt,
      unavailability: writeUnavailability(result.writes),
      workload: result,
      lostWrites,
      outcomeUnknownApplied: result.outcomeUnknown.length - unknownMissing.length,
      primaryAfter: ctx.rw.primaryName(),
    };
  } finally {
    if (!result) await workload.stop();
  }
}
