// PostgreSQL refuses to run as root. When we are root (CI, containers), the cluster runs as an unprivileged
// `postgres` account, created if missing, and its files are owned by that account.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

/** Name of the account the servers run as when we are root. */
export const SERVER_ACCOUNT = 'postgres';

/** How long id(1) or useradd(8) may take, in ms (both are instant unless a name service such as LDAP hangs). */
export const ACCOUNT_COMMAND_TIMEOUT_MS = 15_000;

/** Runs an account command with a timeout; a timeout is an error saying what hung and what to do. */
async function accountCommand(file: string, args: string[]) {
  const result = await execa(file, args, { reject: false, stdin: 'ignore', timeout: ACCOUNT_COMMAND_TIMEOUT_MS });
  if (result.timedOut) {
    throw new Error(
      `\`${file} ${args.join(' ')}\` did not finish within ${ACCOUNT_COMMAND_TIMEOUT_MS / 1000}s while looking up ` +
        `the "${SERVER_ACCOUNT}" account the local cluster runs as (we are root). Check the name service ` +
        '(/etc/nsswitch.conf, LDAP/SSSD), or run as a normal user.',
      { cause: result },
    );
  }
  return result;
}

/** `undefined` when we are not root (the servers run as us), else the account to run them as. */
export async function serverAccount(): Promise<RunAs | undefined> {
  if (os.userInfo().uid !== 0) return undefined;
  const found = await lookup();
  if (found) return found;
  const added = await accountCommand('useradd', [
    '--system',
    '--user-group',
    '--no-create-home',
    '--shell',
    '/usr/sbin/nologin',
    SERVER_ACCOUNT,
  ]);
  if (added.failed) {
    throw new Error(
      `Running as root, and could not create the "${SERVER_ACCOUNT}" account PostgreSQL must run as ` +
        `(${added.stderr.trim() || added.shortMessage}). Create it (useradd --system ${SERVER_ACCOUNT}) or run as ` +
        'a normal user.',
      { cause: added },
    );
  }
  const created = await lookup();
  if (!created) throw new Error(`Created the "${SERVER_ACCOUNT}" account but cannot look it up with id(1).`);
  return created;
}

async function lookup(): Promise<RunAs | undefined> {
  const uid = await accountCommand('id', ['-u', SERVER_ACCOUNT]);
  const gid = await accountCommand('id', ['-g', SERVER_ACCOUNT]);
  if (uid.exitCode !== 0 || gid.exitCode !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Hands a folder tree to the server account (no-op when not root). */
export async function chownTree(dir: string, runAs: RunAs | undefined): Promise<void> {
  if (!runAs) return;
  await fs.chown(dir, runAs.uid, runAs.gid);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(full, runAs);
    else await fs.lchown(full, runAs.uid, runAs.gid);
  }
}
