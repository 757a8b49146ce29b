// One Patroni member: its folder, its config file, and its process. Patroni runs PostgreSQL 15 itself (initdb or
// pg_basebackup, start, promote, pg_rewind); here we only start and stop Patroni, and kill a postmaster on purpose.
import fs from 'node:fs/promises';
import { execa } from 'execa';
import type { RunAs } from '../cluster/os-user';
import { portAnswers } from '../cluster/node-process';
import { isOurProcess, runningPid, startDaemon, terminate } from './daemon';
import { HA_BINARIES } from './ha-binaries';
import type { HaConfig, HaMemberConfig } from './ha-config';
import { writePatroniConfig } from './patroni-config';

/** How long Patroni may take to stop its PostgreSQL (fast shutdown) and exit on SIGTERM before it is killed. */
export const MEMBER_STOP_GRACE_MS = 30_000;
/** pg_ctl stop -m immediate for a postmaster left behind by a killed Patroni. */
const PG_CTL_TIMEOUT_S = 20;

/** The pid of the member's running Patroni, or null. */
export function patroniPid(member: HaMemberConfig): Promise<number | null> {
  return runningPid(member.pidFile, member.configFile);
}

/** The pid of the member's running postmaster (from postmaster.pid, checked against /proc), or null. */
export async function postmasterPid(member: HaMemberConfig): Promise<number | null> {
  const text = await fs.readFile(`${member.dataDir}/postmaster.pid`, 'utf8').catch(() => '');
  const pid = Number(text.split('\n')[0]?.trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return (await isOurProcess(pid, member.dataDir)) ? pid : null;
}

/** Last lines of the member's Patroni log, for error messages. */
export async function memberLogTail(member: HaMemberConfig, lines = 8): Promise<string> {
  const text = await fs.readFile(member.logFile, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-lines).join('\n') || '(empty)';
}

/** Starts the member's Patroni unless it already runs. Does not wait: the cluster's waits watch /cluster. */
export async function startMember(
  cfg: HaConfig,
  member: HaMemberConfig,
  runAs: RunAs | undefined,
  log: (line: string) => void,
): Promise<'started' | 'running'> {
  if ((await patroniPid(member)) !== null) return 'running';
  for (const port of [member.restPort, member.pgPort]) {
    if (await portAnswers(cfg.host, port)) {
      throw new Error(
        `Port ${port} on ${cfg.host}, which HA member ${member.name} needs, is taken by another process ` +
          `(\`ss -ltnp | grep ${port}\` shows which). Stop it, or pick other ports (restPortBase / pgPortBase).`,
      );
    }
  }
  await fs.mkdir(member.dir, { recursive: true, mode: 0o700 });
  await fs.mkdir(cfg.socketDir, { recursive: true, mode: 0o700 });
  await writePatroniConfig(cfg, member);
  // Patroni writes its pgpass here and initdb/pg_basebackup create data/ below it; the folder is all it needs (the
  // data folder, once made, is already the server account's, so no recursive walk).
  if (runAs) {
    for (const p of [member.dir, member.configFile, cfg.socketDir]) await fs.chown(p, runAs.uid, runAs.gid);
  }
  log(`starting Patroni member ${member.name} (REST ${member.restPort}, PostgreSQL ${member.pgPort})`);
  await startDaemon(
    {
      file: HA_BINARIES.patroni,
      args: [member.configFile],
      logFile: member.logFile,
      pidFile: member.pidFile,
      home: member.dir,
    },
    runAs,
  );
  return 'started';
}

/**
 * Stops the member: SIGTERM makes Patroni stop its PostgreSQL and exit; after the grace period it is killed, and a
 * postmaster it left behind is stopped with `pg_ctl -m immediate`. No-op when nothing runs.
 */
export async function stopMember(
  member: HaMemberConfig,
  runAs: RunAs | undefined,
  log: (line: string) => void,
): Promise<void> {
  const pid = await patroniPid(member);
  if (pid !== null) {
    log(`stopping Patroni member ${member.name}`);
    const how = await terminate(pid, member.configFile, MEMBER_STOP_GRACE_MS);
    if (how === 'killed')
      log(`${member.name}'s Patroni did not exit within ${MEMBER_STOP_GRACE_MS / 1000} s and was killed`);
  }
  if ((await postmasterPid(member)) === null) return;
  log(`stopping ${member.name}'s PostgreSQL left running (immediate)`);
  const r = await execa(
    HA_BINARIES.pgCtl,
    ['stop', '-D', member.dataDir, '-m', 'immediate', '-w', '-t', String(PG_CTL_TIMEOUT_S)],
    {
      reject: false,
      all: true,
      stdin: 'ignore',
      timeout: (PG_CTL_TIMEOUT_S + 5) * 1000,
      cwd: member.dir, // a folder the server account can enter (the project may sit under a private home)
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    },
  );
  if (r.exitCode !== 0) {
    throw new Error(`pg_ctl stop -D ${member.dataDir} -m immediate failed: ${r.all?.trim() || r.shortMessage}`);
  }
}

/** The pids whose parent is `pid` (from /proc/<pid>/stat: the field after the command's closing parenthesis). */
async function childrenOf(pid: number): Promise<number[]> {
  const entries = await fs.readdir('/proc').catch(() => [] as string[]);
  const children: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) children.push(Number(entry));
  }
  return children;
}

/**
 * Kills the member's PostgreSQL with SIGKILL, the postmaster and every backend of it at once: a crash of the whole
 * server, for failover tests. (The postmaster alone would leave its backends running for a while, still committing
 * on open connections what no replica will ever receive.) Returns the postmaster's pid.
 */
export async function killPostmaster(member: HaMemberConfig): Promise<number> {
  const pid = await postmasterPid(member);
  if (pid === null)
    throw new Error(`${member.name} has no running postmaster to kill (${member.dataDir}/postmaster.pid).`);
  // The postmaster is stopped first (it forks no new backend), then its backends (none commits between the
  // kills), then all of them are killed at once. A process that has just exited is no error.
  const signal = (p: number, sig: NodeJS.Signals) => {
    try {
      process.kill(p, sig);
    } catch {
      // ESRCH: gone already.
    }
  };
  signal(pid, 'SIGSTOP');
  const children = await childrenOf(pid);
  for (const p of children) signal(p, 'SIGSTOP');
  for (const p of [pid, ...children]) signal(p, 'SIGKILL');
  return pid;
}
