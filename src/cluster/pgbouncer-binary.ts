// Where pgbouncer is: Debian's package installs it in /usr/sbin (not on a normal user's PATH), else PATH.
// It comes from Debian's `pgbouncer` package, which `npm run setup:tools` installs as root.
import { execa } from 'execa';
import { PgBouncerNotInstalledError } from './pgbouncer-errors';

/** Where Debian's pgbouncer package puts the binary. */
export const DEBIAN_PGBOUNCER = '/usr/sbin/pgbouncer';

export interface LocatedPgBouncer {
  /** What to execute. */
  readonly file: string;
  /** The first line of `pgbouncer --version`, e.g. `PgBouncer 1.18.0`. */
  readonly version: string;
}

/** `pgbouncer --version`'s first line, or undefined when the file does not run as PgBouncer. */
async function probe(file: string): Promise<string | undefined> {
  const r = await execa(file, ['--version'], { reject: false, stdin: 'ignore', timeout: 10_000 }).catch(() => null);
  const line = r?.exitCode === 0 ? String(r.stdout).split('\n')[0]?.trim() : undefined;
  return line && /PgBouncer/i.test(line) ? line : undefined;
}

/** Finds a pgbouncer that answers `--version`, or throws `PgBouncerNotInstalledError` saying what to do. */
export async function locatePgbouncer(
  candidates: readonly string[] = [DEBIAN_PGBOUNCER, 'pgbouncer'],
): Promise<LocatedPgBouncer> {
  for (const file of candidates) {
    const version = await probe(file);
    if (version !== undefined) return { file, version };
  }
  throw new PgBouncerNotInstalledError(candidates);
}
