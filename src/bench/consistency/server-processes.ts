// A local node's server processes, from Linux's /proc: the postmaster its data folder's postmaster.pid names, and
// every process it forked (backends, walreceiver, startup, checkpointer …). Freezing a node means stopping all of
// them: the postmaster alone would still let open connections answer, the backends alone would still accept new
// ones.
import fs from 'node:fs/promises';
import { postmasterPidOwner } from '../../cluster/postmaster-pid';

/** The parent pid of `pid` (from /proc/<pid>/stat), or null when the process is gone. */
async function parentPid(pid: number): Promise<number | null> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  // The fields after the command name, which is in parentheses and may itself contain ")": state, ppid …
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(rest[1]);
  return Number.isInteger(ppid) ? ppid : null;
}

/** The processes whose parent is `pid`. */
export async function childPids(pid: number): Promise<number[]> {
  const entries = await fs.readdir('/proc');
  const pids = entries.filter((e) => /^\d+$/.test(e)).map(Number);
  const parents = await Promise.all(pids.map(parentPid));
  return pids.filter((_, i) => parents[i] === pid);
}

/** The postmaster of the server running on `dataDir`, or null when none runs there. */
export async function runningPostmaster(dataDir: string): Promise<number | null> {
  const owner = await postmasterPidOwner(dataDir);
  return owner.kind === 'server' ? owner.pid : null;
}

/** Sends `signal` to every pid, ignoring processes that have gone meanwhile. */
export function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
}

/**
 * Stops (SIGSTOP) the server on `dataDir` and every process it forked; returns their pids. The postmaster first,
 * so it forks nothing after its children have been listed.
 */
export async function freezeServer(dataDir: string): Promise<number[]> {
  const postmaster = await runningPostmaster(dataDir);
  if (postmaster === null) throw new Error(`No server runs on ${dataDir}: there is nothing to freeze.`);
  signalAll([postmaster], 'SIGSTOP');
  const children = await childPids(postmaster);
  signalAll(children, 'SIGSTOP');
  return [postmaster, ...children];
}

/**
 * Lets the server on `dataDir` and its processes run again (SIGCONT). Harmless on a server that is not frozen, so
 * it also undoes a freeze whose pids were lost (a run that was killed).
 */
export async function thawServer(dataDir: string): Promise<void> {
  const postmaster = await runningPostmaster(dataDir);
  if (postmaster === null) return;
  signalAll([...(await childPids(postmaster)), postmaster], 'SIGCONT');
}
