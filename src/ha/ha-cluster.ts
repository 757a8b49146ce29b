// The local HA cluster as an API for the `ha` script, tests and benches: start (or reuse) etcd and the Patroni
// members, stop them, read their state, switch synchronous replication on or off, and move the leader by switchover
// or by killing its postmaster.
import fs from 'node:fs/promises';
import { type RunAs, serverAccount, SERVER_ACCOUNT } from '../cluster/os-user';
import { serverCanReach } from '../cluster/preflight';
import { daemonExited } from './daemon';
import { missingHaBinaries } from './ha-binaries';
import {
  allMembers,
  appUrl,
  haConfig,
  type HaConfig,
  type HaMemberConfig,
  type HaOptions,
  memberByName,
  restUrl,
} from './ha-config';
import { ensureAppDatabase, isWritable, streamingReplicas } from './ha-sql';
import { clusterHealth, describeMembers } from './ha-status';
import {
  killPostmaster,
  memberLogTail,
  patroniPid,
  postmasterPid,
  startMember,
  stopMember as stopMemberProcess,
} from './member-process';
import { startEtcd, stopEtcd } from './etcd-process';
import {
  fetchClusterFromAny,
  type PatroniCluster,
  type PatroniMember,
  postReinitialize,
  postSwitchover,
} from './patroni-rest';
import { StrandedReplicas } from './stranded-replicas';
import {
  applySynchronousMode,
  readSynchronousState,
  type SynchronousMode,
  type SynchronousState,
  switchoverCandidate,
} from './synchronous-mode';
import { WaitAborted, waitFor } from './wait-for';

/** How long `up` may take to reach a leader and streaming replicas (cold: 7-13 s here; a busy machine is slower). */
export const UP_TIMEOUT_MS = 90_000;
/** How long a switchover or failover may take until the new leader accepts writes. */
export const LEADER_CHANGE_TIMEOUT_MS = 45_000;
/** How long an old leader may take to come back as a streaming replica (pg_rewind, restart). */
export const REJOIN_TIMEOUT_MS = 60_000;

export type Log = (line: string) => void;

export interface StartOptions extends HaOptions {
  readonly log?: Log;
  /** Bound of the whole bring-up, in ms. Default UP_TIMEOUT_MS. */
  readonly timeoutMs?: number;
  /** Leave what was started running when the bring-up fails (to inspect it). Default false: it is stopped. */
  readonly keepOnFailure?: boolean;
  /**
   * Patroni's synchronous mode to set once the cluster is healthy (waiting for a sync standby). Default: left as
   * the DCS has it (a fresh cluster is asynchronous; the mode outlives ha:down, as the rest of the DCS does).
   */
  readonly synchronous?: SynchronousMode;
}

export interface HaCluster {
  readonly config: HaConfig;
  /** REST base URLs of the running members. */
  readonly restUrls: readonly string[];
  /** The application user's URL on the leader at start; take host:port of other members from `members`. */
  readonly databaseUrl: string;
  /** The members as /cluster listed them once healthy. */
  readonly members: readonly PatroniMember[];
  /** True when the cluster was already running and only checked. */
  readonly reused: boolean;
  /** Time from the call to a healthy cluster, in ms. */
  readonly startupMs: number;
  /** Patroni's synchronous mode and sync standby once started. */
  readonly synchronous: SynchronousState;
  /** The application user's URL on a member's host:port. */
  memberUrl(member: PatroniMember): string;
  /** Stops every member and etcd (bounded). */
  stop(): Promise<void>;
}

const silent: Log = () => undefined;

/** Throws, with the command to run, when a binary is missing or the server account cannot reach the folder. */
export async function haPreflight(cfg: HaConfig, runAs: RunAs | undefined): Promise<void> {
  const missing = await missingHaBinaries();
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((m) => /\(([^)]+)\)$/.exec(m)?.[1] ?? m))].join(' ');
    throw new Error(
      `The HA cluster needs programs that are missing: ${missing.join(', ')}. As root, \`npm run setup:tools\` ` +
        `installs them; otherwise \`sudo apt-get install -y --no-install-recommends ${packages}\`.`,
    );
  }
  if (!(await serverCanReach(cfg.dir, runAs))) {
    throw new Error(
      `We are root, so Patroni runs as the "${SERVER_ACCOUNT}" account, which cannot reach ${cfg.dir} (a folder on ` +
        'the way does not let other accounts through). Set RWSPLIT_HA_DIR to a folder it can reach, e.g. ' +
        '/tmp/rwsplit-ha.',
    );
  }
}

/** The members whose Patroni runs, plus the configured ones (which `up` starts): the members we expect to see. */
export async function expectedMembers(cfg: HaConfig): Promise<HaMemberConfig[]> {
  const running: HaMemberConfig[] = [];
  for (const m of cfg.spareMembers) if ((await patroniPid(m)) !== null) running.push(m);
  return [...cfg.members, ...running];
}

/** /cluster from the first of the cluster's members that answers. */
export function clusterState(restUrls: readonly string[]): Promise<PatroniCluster> {
  return fetchClusterFromAny(restUrls);
}

/** REST URLs of the expected members. */
export async function restUrlsOf(cfg: HaConfig): Promise<string[]> {
  return (await expectedMembers(cfg)).map((m) => restUrl(cfg, m));
}

/** Throws WaitAborted when the Patroni of one of `members` has exited: waiting for it cannot help. */
async function checkAlive(members: readonly HaMemberConfig[]): Promise<void> {
  for (const m of members) {
    if (await daemonExited(m.pidFile)) {
      throw new WaitAborted(`Patroni member ${m.name} exited. Last lines of ${m.logFile}:\n${await memberLogTail(m)}`);
    }
  }
}

export interface WaitHealthyOptions {
  /** Called once for each leader seen (e.g. to create the application's database as soon as there is one). */
  readonly onLeader?: (leader: PatroniMember) => Promise<void>;
  readonly log?: Log;
}

/**
 * Waits until /cluster shows one running leader and every other expected member as a replica that streams from
 * it (pg_stat_replication on the leader). Returns the healthy /cluster. A replica stranded on an old timeline
 * (stranded-replicas.ts) is sent to reinitialize, once, and waited for.
 */
export async function waitHealthy(
  cfg: HaConfig,
  members: readonly HaMemberConfig[],
  timeoutMs: number,
  options: WaitHealthyOptions = {},
): Promise<PatroniCluster> {
  const urls = members.map((m) => restUrl(cfg, m));
  const log = options.log ?? silent;
  const stranded = new StrandedReplicas();
  let leaderSeen: string | undefined;
  return waitFor(
    `a leader and ${members.length - 1} streaming replicas`,
    async () => {
      await checkAlive(members);
      const cluster = await clusterState(urls);
      const health = clusterHealth(cluster, members.length);
      if (health.leader && options.onLeader && leaderSeen !== health.leader.name) {
        await options.onLeader(health.leader);
        leaderSeen = health.leader.name;
      }
      for (const name of stranded.observe(cluster)) {
        log(`${name} stayed on an old timeline (${describeMembers(cluster)}): reinitializing it from the leader`);
        await postReinitialize(restUrl(cfg, memberByName(cfg, name))).catch((err: unknown) =>
          log(`POST /reinitialize to ${name} failed: ${err instanceof Error ? err.message : String(err)}`),
        );
      }
      if (!health.healthy || !health.leader?.host || !health.leader.port) {
        return { done: false, seen: `${health.summary} (${describeMembers(cluster)})` };
      }
      const streaming = await streamingReplicas(cfg, health.leader.host, health.leader.port);
      const notYet = health.replicas.filter((r) => !streaming.includes(r.name)).map((r) => r.name);
      if (notYet.length > 0)
        return { done: false, seen: `${notYet.join(', ')} not streaming yet (${describeMembers(cluster)})` };
      return { done: true, value: cluster };
    },
    {
      timeoutMs,
      everyMs: 250,
      advice: `Read the members' logs (${cfg.dir}/ha*/patroni.log) and ${cfg.etcd.logFile}.`,
    },
  );
}

/** Starts etcd and the members (reusing whatever runs), and waits until the cluster is healthy. */
export async function startHaCluster(options: StartOptions = {}): Promise<HaCluster> {
  const started = Date.now();
  const log = options.log ?? silent;
  const cfg = haConfig(options);
  const runAs = await serverAccount();
  await haPreflight(cfg, runAs);
  const expected = await expectedMembers(cfg);
  let reused = true;
  for (const m of expected) if ((await patroniPid(m)) === null) reused = false;

  await fs.mkdir(cfg.dir, { recursive: true });
  if (runAs) await fs.chown(cfg.dir, runAs.uid, runAs.gid);
  let cluster: PatroniCluster;
  let synchronous: SynchronousState;
  const urls = expected.map((m) => restUrl(cfg, m));
  try {
    await startEtcd(cfg, runAs, log);
    for (const m of expected) await startMember(cfg, m, runAs, log);
    // The application's role and database are made as soon as there is a leader, while the replicas still clone.
    cluster = await waitHealthy(cfg, expected, options.timeoutMs ?? UP_TIMEOUT_MS, {
      log,
      onLeader: async (leader) => {
        if (leader.host && leader.port) await ensureAppDatabase(cfg, leader.host, leader.port);
      },
    });
    synchronous =
      options.synchronous === undefined
        ? await readSynchronousState(urls)
        : await applySynchronousMode(cfg, urls, options.synchronous, { log });
  } catch (err) {
    // A failed start leaves nothing running that the caller has no handle to stop; the logs stay for diagnosis.
    // A cluster that was running before is left as it was.
    if (!reused && !options.keepOnFailure) await stopHaCluster({ ...options, log }).catch(() => undefined);
    throw err;
  }
  const leader = clusterHealth(cluster, expected.length).leader;
  if (!leader?.host || !leader.port) throw new Error(`No leader in ${describeMembers(cluster)}`);
  // On a reused cluster the callback ran too, so the role and database are there either way.
  return {
    config: cfg,
    restUrls: urls,
    databaseUrl: appUrl(cfg, leader.host, leader.port),
    members: cluster.members,
    reused,
    startupMs: Date.now() - started,
    synchronous,
    memberUrl: (member) => appUrl(cfg, member.host ?? cfg.host, member.port ?? 0),
    stop: () => stopHaCluster(options),
  };
}

/**
 * Stops the members (replicas first, so no replica takes over from a leader that is only shutting down), then etcd.
 * Every step is bounded (see stopMember and stopEtcd). No-op for what does not run.
 */
export async function stopHaCluster(options: HaOptions & { readonly log?: Log } = {}): Promise<void> {
  const log = options.log ?? silent;
  const cfg = haConfig(options);
  const runAs = await serverAccount();
  const members = allMembers(cfg);
  const cluster = await clusterState(members.map((m) => restUrl(cfg, m))).catch(() => null);
  const leaderName = cluster?.members.find((m) => m.role === 'leader')?.name;
  const first = members.filter((m) => m.name !== leaderName);
  await Promise.all(first.map((m) => stopMemberProcess(m, runAs, log)));
  const leader = members.find((m) => m.name === leaderName);
  if (leader) await stopMemberProcess(leader, runAs, log);
  await stopEtcd(cfg, log);
}

export interface LeaderChange {
  readonly from: string;
  readonly to: string;
  /** From the action (REST call, kill) to a writable new leader, in ms. */
  readonly writableMs: number;
  /**
   * From the action until every member streams from the new leader again, the old leader included, in ms
   * (undefined when not waited for).
   */
  readonly rejoinedMs: number | undefined;
}

function currentLeader(cluster: PatroniCluster): PatroniMember {
  const leader = cluster.members.find((m) => m.role === 'leader' && m.state === 'running');
  if (!leader) throw new Error(`The HA cluster has no running leader: ${describeMembers(cluster)}.`);
  return leader;
}

/** Waits until a member other than `oldLeader` leads and accepts writes; returns its name. */
async function waitNewWritableLeader(cfg: HaConfig, urls: readonly string[], oldLeader: string): Promise<string> {
  return waitFor(
    `a new leader (not ${oldLeader}) that accepts writes`,
    async () => {
      const cluster = await clusterState(urls);
      const leader = cluster.members.find((m) => m.role === 'leader' && m.name !== oldLeader);
      if (!leader?.host || !leader.port) return { done: false, seen: describeMembers(cluster) };
      if (!(await isWritable(cfg, leader.host, leader.port))) {
        return { done: false, seen: `${leader.name} leads but does not accept writes yet` };
      }
      return { done: true, value: leader.name };
    },
    { timeoutMs: LEADER_CHANGE_TIMEOUT_MS, everyMs: 100, advice: `Read ${cfg.dir}/ha*/patroni.log.` },
  );
}

export interface LeaderChangeOptions extends HaOptions {
  /** Wait until the old leader (and every other replica) streams from the new leader. Default true. */
  readonly waitRejoin?: boolean;
  readonly log?: Log;
}

/**
 * REST switchover to `candidate` (asynchronous mode: any healthy replica when omitted; synchronous mode: the sync
 * standby, the only member Patroni accepts then); waits until the new leader accepts writes.
 */
export async function switchover(
  options: LeaderChangeOptions & { readonly candidate?: string } = {},
): Promise<LeaderChange> {
  const cfg = haConfig(options);
  const urls = await restUrlsOf(cfg);
  const leader = currentLeader(await clusterState(urls));
  if (options.candidate !== undefined) {
    if (options.candidate === leader.name) throw new Error(`${leader.name} is already the leader.`);
    memberByName(cfg, options.candidate);
  }
  const candidate = await switchoverCandidate(cfg, urls, options.candidate);
  const t0 = Date.now();
  await postSwitchover(restUrl(cfg, memberByName(cfg, leader.name)), leader.name, candidate);
  const to = await waitNewWritableLeader(cfg, urls, leader.name);
  const writableMs = Date.now() - t0;
  if (options.waitRejoin === false) return { from: leader.name, to, writableMs, rejoinedMs: undefined };
  await waitHealthy(cfg, await expectedMembers(cfg), REJOIN_TIMEOUT_MS, { log: options.log });
  return { from: leader.name, to, writableMs, rejoinedMs: Date.now() - t0 };
}

/**
 * Kills the leader's postmaster with SIGKILL. With primary_start_timeout 0 Patroni does not restart it in place
 * but lets another member take over. Waits until that member accepts writes.
 */
export async function killLeader(options: LeaderChangeOptions = {}): Promise<LeaderChange> {
  const cfg = haConfig(options);
  const urls = await restUrlsOf(cfg);
  const leader = currentLeader(await clusterState(urls));
  const t0 = Date.now();
  await killPostmaster(memberByName(cfg, leader.name));
  const to = await waitNewWritableLeader(cfg, urls, leader.name);
  const writableMs = Date.now() - t0;
  if (options.waitRejoin === false) return { from: leader.name, to, writableMs, rejoinedMs: undefined };
  await waitHealthy(cfg, await expectedMembers(cfg), REJOIN_TIMEOUT_MS, { log: options.log });
  return { from: leader.name, to, writableMs, rejoinedMs: Date.now() - t0 };
}

/**
 * Sets Patroni's synchronous mode on the running cluster (PATCH /config, no restart) and waits until the leader
 * applies it: a sync standby named and in sync for `on` / `strict`, none for `off`.
 */
export async function setSynchronousMode(
  mode: SynchronousMode,
  options: HaOptions & { readonly log?: Log; readonly timeoutMs?: number } = {},
): Promise<SynchronousState> {
  const cfg = haConfig(options);
  return applySynchronousMode(cfg, await restUrlsOf(cfg), mode, options);
}

/** The running cluster's synchronous mode and sync standby. */
export async function synchronousState(options: HaOptions = {}): Promise<SynchronousState> {
  return readSynchronousState(await restUrlsOf(haConfig(options)));
}

/** Starts the next spare member (ha4) while the cluster runs; waits until it streams. Returns its config. */
export async function addMember(options: HaOptions & { readonly log?: Log } = {}): Promise<HaMemberConfig> {
  const cfg = haConfig(options);
  const runAs = await serverAccount();
  let spare: HaMemberConfig | undefined;
  for (const m of cfg.spareMembers) {
    if ((await patroniPid(m)) === null) {
      spare = m;
      break;
    }
  }
  if (!spare)
    throw new Error(
      `Every member the HA config knows already runs (${allMembers(cfg)
        .map((m) => m.name)
        .join(', ')}).`,
    );
  await startMember(cfg, spare, runAs, options.log ?? silent);
  await waitHealthy(cfg, await expectedMembers(cfg), UP_TIMEOUT_MS, { log: options.log });
  return spare;
}

/** Stops one member (bounded). A stopped leader hands over to a replica through the DCS. */
export async function stopMember(name: string, options: HaOptions & { readonly log?: Log } = {}): Promise<void> {
  const cfg = haConfig(options);
  await stopMemberProcess(memberByName(cfg, name), await serverAccount(), options.log ?? silent);
}

/**
 * Removes a stopped member's data folder, so that the next addMember clones it afresh from the leader: a stale copy
 * would first have to replay every timeline since it stopped, about 5 s each (wal_retrieve_retry_interval). Refuses
 * while its Patroni or postmaster runs. No-op when there is no data.
 */
export async function discardMemberData(name: string, options: HaOptions = {}): Promise<void> {
  const member = memberByName(haConfig(options), name);
  if ((await patroniPid(member)) !== null || (await postmasterPid(member)) !== null) {
    throw new Error(`HA member ${name} is running: stop it (stopMember) before discarding its data.`);
  }
  await fs.rm(member.dataDir, { recursive: true, force: true });
}
