// Checks `up` makes before it creates or starts anything, for the two ways a fresh clone can fail with an obscure
// error deep inside initdb or pg_ctl: a Unix socket path over the kernel's limit (a deeply nested clone), and a
// cluster folder the `postgres` account cannot reach when we are root (a clone under a 0700 home such as /root).
// It also warns of ports that an outgoing connection may take while their node is down.
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { type LocalClusterConfig, localSocketDir } from '../config';
import { type RunAs, SERVER_ACCOUNT } from './os-user';

/**
 * Longest Unix socket path, in bytes: sockaddr_un.sun_path holds 108 bytes on Linux, NUL included, and PostgreSQL
 * refuses a longer one ("Unix-domain socket path … is too long").
 */
export const MAX_SOCKET_PATH_BYTES = 107;

/** What to do when the cluster's folder is the problem. */
const MOVE_ADVICE =
  'Put the cluster in a short folder the server can reach, e.g. `RWSPLIT_CLUSTER_DIR=/tmp/rwsplit-cluster ' +
  'npm run cluster:up` (set the same variable for `npm test` and `npm run demo`), or clone the project to a ' +
  'shorter path outside a private home folder.';

export class ClusterPreflightError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(`${message} ${MOVE_ADVICE}`, options);
    this.name = 'ClusterPreflightError';
  }
}

/** The Unix socket file of the node on `port`. */
export function socketPath(cfg: LocalClusterConfig, port: number): string {
  return path.join(localSocketDir(cfg), `.s.PGSQL.${port}`);
}

/** Throws when a node's socket path would be longer than Unix socket paths may be. */
export function checkSocketPaths(cfg: LocalClusterConfig): void {
  for (const port of cfg.ports) {
    const file = socketPath(cfg, port);
    const bytes = Buffer.byteLength(file);
    if (bytes > MAX_SOCKET_PATH_BYTES) {
      throw new ClusterPreflightError(
        `The local cluster's Unix socket ${file} would be ${bytes} bytes long, over the ${MAX_SOCKET_PATH_BYTES}-byte ` +
          `limit of Unix socket paths, so PostgreSQL could not listen on it (the cluster folder ${cfg.dir} is ` +
          `${Buffer.byteLength(cfg.dir)} bytes; at most ${MAX_SOCKET_PATH_BYTES - (bytes - Buffer.byteLength(cfg.dir))} fit).`,
      );
    }
  }
}

/** True when `runAs` may search (traverse) a folder with this owner and mode, by its permission bits. */
function maySearch(stat: { uid: number; gid: number; mode: number }, runAs: RunAs): boolean {
  if (runAs.uid === 0) return true;
  if (stat.uid === runAs.uid) return (stat.mode & 0o100) !== 0;
  // The servers are spawned with the account's own group only (no supplementary groups).
  if (stat.gid === runAs.gid) return (stat.mode & 0o010) !== 0;
  return (stat.mode & 0o001) !== 0;
}

/**
 * Throws when the server account cannot reach `dir`: some existing folder on the way to it lets that account
 * not through. Folders not created yet are made by us with the usual 0755 and are fine. No-op when not root
 * (`runAs` undefined): then the servers run as us, and we reach our own folder.
 */
export async function checkServerCanReach(dir: string, runAs: RunAs | undefined): Promise<void> {
  if (!runAs) return;
  const absolute = path.resolve(dir);
  const chain: string[] = [];
  for (let p = absolute; ; p = path.dirname(p)) {
    chain.unshift(p);
    if (path.dirname(p) === p) break;
  }
  for (const folder of chain) {
    let stat;
    try {
      stat = await fs.stat(folder);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new ClusterPreflightError(`Cannot inspect ${folder} on the way to the local cluster's folder ${dir}.`, {
        cause,
      });
    }
    // The cluster folder itself is handed to the server account before anything starts (chownTree).
    if (folder === absolute) return;
    if (!maySearch(stat, runAs)) {
      const mode = (stat.mode & 0o7777).toString(8).padStart(4, '0');
      throw new ClusterPreflightError(
        `We are root, so PostgreSQL runs as the "${SERVER_ACCOUNT}" account (uid ${runAs.uid}), which cannot reach ` +
          `the local cluster's folder ${dir}: ${folder} (mode ${mode}, owner uid ${stat.uid}) does not let it ` +
          'through, so initdb and pg_ctl would fail with "Permission denied".',
      );
    }
  }
}

/** Like checkServerCanReach, as a yes/no answer. */
export async function serverCanReach(dir: string, runAs: RunAs | undefined): Promise<boolean> {
  return checkServerCanReach(dir, runAs).then(
    () => true,
    (err: unknown) => {
      if (err instanceof ClusterPreflightError) return false;
      throw err;
    },
  );
}

/** Linux's range of local ports for outgoing connections, or undefined where /proc does not say. */
export function ephemeralPortRange(): { low: number; high: number } | undefined {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return low !== undefined && high !== undefined && low > 0 && high >= low ? { low, high } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A warning when some of the cluster's ports lie in the ephemeral range: while such a node is stopped, any
 * process's outgoing connection may take its port as its local end, and the node then cannot start again.
 */
export function ephemeralPortWarning(cfg: LocalClusterConfig, range = ephemeralPortRange()): string | undefined {
  if (range === undefined) return undefined;
  const inside = cfg.ports.filter((p) => p >= range.low && p <= range.high);
  if (inside.length === 0) return undefined;
  return (
    `Port${inside.length > 1 ? 's' : ''} ${inside.join(', ')} lie${inside.length > 1 ? '' : 's'} in this machine's ` +
    `ephemeral range (${range.low}-${range.high}): while such a node is down an outgoing connection may take its ` +
    `port, and it then cannot restart ("Address already in use"). Ports below ${range.low} avoid this ` +
    '(RWSPLIT_CLUSTER_PORTS=p0,p1,p2).'
  );
}

/** Every check `up` makes before touching anything. */
export async function preflight(cfg: LocalClusterConfig, runAs: RunAs | undefined): Promise<void> {
  checkSocketPaths(cfg);
  await checkServerCanReach(cfg.dir, runAs);
  if (socketDirIsOutside(cfg)) await checkServerCanReach(localSocketDir(cfg), runAs);
}

/** True when the socket folder is not inside the cluster folder (e.g. a short folder under /tmp). */
export function socketDirIsOutside(cfg: LocalClusterConfig): boolean {
  const relative = path.relative(cfg.dir, localSocketDir(cfg));
  return relative.startsWith('..') || path.isAbsolute(relative);
}
