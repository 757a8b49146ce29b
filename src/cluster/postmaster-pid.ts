// Who a data folder's postmaster.pid points at. After a crash the file stays behind, and its PID may belong to a
// zombie not yet reaped, to nothing, or (recycled) to an unrelated process. Only the last case needs us to remove
// the file: PostgreSQL overwrites a file whose PID is gone, and refuses to start while the crashed server's
// processes still hold its shared memory (a retry a moment later succeeds).
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LocalNode } from './node-files';

export type PidOwner =
  /** No postmaster.pid, or its PID no longer exists. */
  | { readonly kind: 'none' }
  /** The crashed server's process exists only as a zombie that its parent has not reaped yet. */
  | { readonly kind: 'exiting'; readonly pid: number }
  /** A live postgres started on this very data folder. */
  | { readonly kind: 'server'; readonly pid: number }
  /** A live process that is not this folder's server: the PID was recycled (or the file was copied). */
  | { readonly kind: 'other'; readonly pid: number; readonly command: string };

/** The PID on the first line of `<dataDir>/postmaster.pid`, or null when there is no usable file. */
export async function postmasterPid(dataDir: string): Promise<number | null> {
  const text = await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number(text.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Classifies the process named by the data folder's postmaster.pid (from Linux's /proc). */
export async function postmasterPidOwner(dataDir: string): Promise<PidOwner> {
  const pid = await postmasterPid(dataDir);
  if (pid === null || !exists(pid)) return { kind: 'none' };
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // The state letter follows the command name, which is in parentheses and may itself contain ")".
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  if (state === 'Z' || state === 'X') return { kind: 'exiting', pid };
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  // Without /proc (not Linux, or hidden) nothing can be told apart: assume the server, the careful answer.
  if (cmdline === null) return exists(pid) ? { kind: 'server', pid } : { kind: 'none' };
  const args = cmdline.split('\0');
  const dataArg = args.indexOf('-D');
  const isServer =
    dataArg >= 0 &&
    path.basename(args[0] ?? '') === 'postgres' &&
    path.resolve(args[dataArg + 1] ?? '') === path.resolve(dataDir);
  if (isServer) return { kind: 'server', pid };
  return { kind: 'other', pid, command: args.filter(Boolean).join(' ') || `pid ${pid}` };
}

/** Waits (up to `timeoutMs`) for a zombie postmaster to be reaped; true when it is gone. */
export async function waitUntilGone(pid: number, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (exists(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/**
 * Called when pg_ctl sees the PID of a node's postmaster.pid alive but the node's port does not answer: removes
 * the file when that PID is not the node's server (recycled, or a zombie never reaped), waits for a zombie to be
 * reaped, and refuses (with what to do) when a real server of this folder is running.
 */
export async function clearStalePid(node: LocalNode, socketDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(node.dataDir, 'postmaster.pid');
  const owner = await postmasterPidOwner(node.dataDir);
  if (owner.kind === 'server') {
    throw new Error(
      `${node.name} has a running server (pid ${owner.pid}) that does not answer on port ${node.port}. ` +
        `Stop it (kill ${owner.pid}) or run \`npm run cluster:down\`.`,
    );
  }
  if (owner.kind === 'exiting') {
    // Once it is reaped, PostgreSQL handles the file itself, after checking no old process still uses its memory.
    log(`waiting for ${node.name}'s crashed server (pid ${owner.pid}) to be reaped`);
    if (await waitUntilGone(owner.pid)) return;
    log(`pid ${owner.pid} is still a zombie; removing ${pidFile} and its socket lock`);
    await fs.rm(path.join(socketDir, `.s.PGSQL.${node.port}.lock`), { force: true });
  } else if (owner.kind === 'other') {
    log(`removing stale ${pidFile} (pid ${owner.pid} is \`${owner.command}\`, not ${node.name}'s server)`);
  } else {
    return;
  }
  await fs.rm(pidFile, { force: true });
}
