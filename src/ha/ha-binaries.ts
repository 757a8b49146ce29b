// Where the HA cluster's programs live. They come from Debian's packages (patroni, etcd-server, etcd-client,
// postgresql-15), never from npm: the embedded PostgreSQL 17 has no pg_basebackup or pg_rewind, which Patroni needs
// to build and rejoin replicas, and PG15's tools refuse a 17 server.
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import { execa } from 'execa';

/** PostgreSQL 15's server binaries (Debian's postgresql-15), including pg_basebackup, pg_rewind and pg_ctl. */
export const PG15_BIN_DIR = '/usr/lib/postgresql/15/bin';

export const HA_BINARIES = {
  patroni: '/usr/bin/patroni',
  etcd: '/usr/bin/etcd',
  etcdctl: '/usr/bin/etcdctl',
  pgBasebackup: `${PG15_BIN_DIR}/pg_basebackup`,
  pgCtl: `${PG15_BIN_DIR}/pg_ctl`,
  psql: `${PG15_BIN_DIR}/psql`,
} as const;

/** The Debian package that provides each binary, for messages. */
export const HA_PACKAGES: Readonly<Record<keyof typeof HA_BINARIES, string>> = {
  patroni: 'patroni',
  etcd: 'etcd-server',
  etcdctl: 'etcd-client',
  pgBasebackup: 'postgresql-15',
  pgCtl: 'postgresql-15',
  psql: 'postgresql-15',
};

/** How long a `--version` probe may take (Patroni starts a Python interpreter: about a second). */
const PROBE_TIMEOUT_MS = 20_000;

/** True when `file` exists and is executable. Never throws. */
export async function isExecutable(file: string): Promise<boolean> {
  return fs.access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** True when `file --version` exits 0 (a Patroni with a missing Python module fails here, not at start). */
export async function answersVersion(file: string): Promise<boolean> {
  if (!(await isExecutable(file))) return false;
  const r = await execa(file, ['--version'], { reject: false, stdin: 'ignore', timeout: PROBE_TIMEOUT_MS });
  return r.exitCode === 0;
}

/** The binaries `ha up` needs that are missing, as "binary (package)" phrases; empty when all are there. */
export async function missingHaBinaries(): Promise<string[]> {
  const missing: string[] = [];
  for (const key of Object.keys(HA_BINARIES) as (keyof typeof HA_BINARIES)[]) {
    if (!(await isExecutable(HA_BINARIES[key]))) missing.push(`${HA_BINARIES[key]} (${HA_PACKAGES[key]})`);
  }
  return missing;
}
