// Where pgbench is: on PATH, else the newest of Debian's versioned installs (/usr/lib/postgresql/<v>/bin).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

/** Folder holding Debian's per-version PostgreSQL installs. */
export const DEBIAN_PG_LIB = '/usr/lib/postgresql';

/** What to do when pgbench is missing. */
export const PGBENCH_INSTALL_HINT =
  "install it with `apt-get install postgresql-client` (Debian/Ubuntu) or your system's PostgreSQL client package";

export interface FindPgbenchOptions {
  /** Command looked up on PATH. Default `pgbench`. */
  readonly command?: string;
  /** Folder of versioned installs to search next; null searches none. Default `/usr/lib/postgresql`. */
  readonly debianLib?: string | null;
}

export interface FoundPgbench {
  readonly path: string;
  readonly version: string;
}

async function versionOf(file: string): Promise<string | null> {
  const r = await execa(file, ['--version'], { reject: false, stdin: 'ignore', timeout: 10_000 });
  return r.exitCode === 0 && typeof r.stdout === 'string' ? r.stdout.trim() : null;
}

/** Versioned installs, newest first: /usr/lib/postgresql/17/bin/pgbench before …/15/bin/pgbench. */
function debianCandidates(lib: string | null): string[] {
  if (lib === null) return [];
  let versions: string[];
  try {
    versions = readdirSync(lib);
  } catch {
    return [];
  }
  return versions
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => path.join(lib, v, 'bin', 'pgbench'))
    .filter((file) => existsSync(file));
}

/** Finds a working pgbench, or null. Never throws. */
export async function findPgbench(options: FindPgbenchOptions = {}): Promise<FoundPgbench | null> {
  const command = options.command ?? 'pgbench';
  for (const candidate of [
    command,
    ...debianCandidates(options.debianLib === undefined ? DEBIAN_PG_LIB : options.debianLib),
  ]) {
    const version = await versionOf(candidate).catch(() => null);
    if (version !== null) return { path: candidate, version };
  }
  return null;
}
