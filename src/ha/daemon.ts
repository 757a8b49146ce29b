// Long-running processes of the HA cluster (etcd, Patroni) outlive the command that starts them, so they are
// spawned detached with their output in a log file and their pid in a pid file. As root they run as the `postgres`
// account through setpriv, with a clean environment: pg_ctl refuses root, and an inherited PGPASSWORD (or any PG*
// variable) would override Patroni's own pgpass and break replication and pg_rewind logins.
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import fs from 'node:fs/promises';
import { SERVER_ACCOUNT, type RunAs } from '../cluster/os-user';

export interface DaemonSpec {
  readonly file: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly pidFile: string;
  /** HOME of the clean environment, and the daemon's working folder (one the server account can enter). */
  readonly home: string;
}

/** The command line that runs `spec` as the server account (root) or as us, in a clean environment. */
export function daemonCommand(spec: DaemonSpec, runAs: RunAs | undefined): { file: string; args: string[] } {
  const env = ['-i', `HOME=${spec.home}`, 'PATH=/usr/bin:/bin', 'LANG=C.UTF-8', spec.file, ...spec.args];
  if (!runAs) return { file: '/usr/bin/env', args: env };
  // setpriv execs env, which execs the program: the pid we get is the program's own.
  return {
    file: '/usr/bin/setpriv',
    args: [`--reuid=${SERVER_ACCOUNT}`, `--regid=${SERVER_ACCOUNT}`, '--init-groups', '/usr/bin/env', ...env],
  };
}

/** Starts the daemon detached, appending its output to its log file, and records its pid. */
export async function startDaemon(spec: DaemonSpec, runAs: RunAs | undefined): Promise<number> {
  const { file, args } = daemonCommand(spec, runAs);
  const log = openSync(spec.logFile, 'a');
  try {
    // The working folder must be one the server account can enter: Patroni's Python children chdir to their
    // parent's, and a project under a private home (a clone in /root) would make every one of them fail.
    const child = spawn(file, args, { cwd: spec.home, detached: true, stdio: ['ignore', log, log] });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid ?? -1));
    });
    child.unref();
    await fs.writeFile(spec.pidFile, `${pid}\n`);
    return pid;
  } finally {
    closeSync(log);
  }
}

/** The pid in a pid file, or null when there is none. */
export async function readPid(pidFile: string): Promise<number | null> {
  const text = await fs.readFile(pidFile, 'utf8').catch(() => '');
  const pid = Number(text.split('\n')[0]?.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/**
 * True when `pid` is alive and its command line contains `marker` (e.g. its config file): a pid file left by a
 * stopped process may name a pid the system has since given to someone else, who must never be signalled.
 */
export async function isOurProcess(pid: number, marker: string): Promise<boolean> {
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  if (cmdline === null) return false;
  // A zombie (exited, not yet reaped by its parent) has an empty command line and counts as gone.
  return cmdline.split('\0').some((arg) => arg.includes(marker));
}

/**
 * True while the process exists and is not a zombie. Used to notice that a daemon we just started has exited: its
 * command line can read empty for a moment while setpriv and env exec into it, so isOurProcess cannot tell.
 */
export async function isAlive(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return false;
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

/** True when the daemon named by the pid file has exited (or never recorded a pid). */
export async function daemonExited(pidFile: string): Promise<boolean> {
  const pid = await readPid(pidFile);
  return pid === null || !(await isAlive(pid));
}

/** The pid of our running daemon from its pid file, or null. */
export async function runningPid(pidFile: string, marker: string): Promise<number | null> {
  const pid = await readPid(pidFile);
  return pid !== null && (await isOurProcess(pid, marker)) ? pid : null;
}

/**
 * Sends SIGTERM and waits up to `graceMs` for the process to go; then SIGKILL and up to 5 s more.
 * Returns how it ended. Throws only when even SIGKILL did not end it (an unkillable process in D state).
 */
export async function terminate(pid: number, marker: string, graceMs: number): Promise<'exited' | 'killed'> {
  const gone = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (!(await isOurProcess(pid, marker))) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return !(await isOurProcess(pid, marker));
  };
  signal(pid, 'SIGTERM');
  if (await gone(graceMs)) return 'exited';
  signal(pid, 'SIGKILL');
  if (await gone(5000)) return 'killed';
  throw new Error(
    `Process ${pid} (${marker}) survived SIGKILL for 5 s; look at it with \`ps -o pid,stat,cmd ${pid}\`.`,
  );
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
