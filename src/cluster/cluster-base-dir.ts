// Where local clusters live on this machine: the project folder, unless the `postgres` account could not reach it.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** True when accounts other than a folder's owner and group may pass through every folder from `/` to `dir`. */
function othersMayTraverse(dir: string, stat: (p: string) => { mode: number }): boolean {
  for (let p = path.resolve(dir); ; p = path.dirname(p)) {
    try {
      if ((stat(p).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    if (path.dirname(p) === p) return true;
  }
}

/**
 * The folder local clusters live in: the project folder, except as root when a folder above the project lets other
 * accounts not through (a clone under a 0700 /root). The servers then run as the `postgres` account, which could not
 * reach it (initdb would fail with "Permission denied"), so `<tmp>/rwsplit-<hash of the project path>` stands in.
 */
export function clusterBaseDir(
  projectRoot: string,
  host: { readonly isRoot: boolean; readonly tmpDir: string } = {
    isRoot: os.userInfo().uid === 0,
    tmpDir: os.tmpdir(),
  },
  stat: (p: string) => { mode: number } = statSync,
): string {
  if (!host.isRoot || othersMayTraverse(projectRoot, stat)) return projectRoot;
  const id = createHash('sha256').update(path.resolve(projectRoot)).digest('hex').slice(0, 12);
  return path.join(host.tmpDir, `rwsplit-${id}`);
}
