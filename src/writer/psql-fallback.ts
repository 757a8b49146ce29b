// The write path used when Prisma cannot reach the primary over TCP: psql, run locally (over the primary's Unix
// socket or another host) or inside the primary's container (`docker exec -i <container> psql`).
// The value goes to psql's stdin as COPY data after a constant script, so it is never part of SQL text or argv.
import { execa } from 'execa';
import { maskUrl, parsePostgresUrl } from '../config';
import { assertWritable, encodeCopyText } from './copy-text';
import { type LocatedPsql, locatePsql } from './psql-locator';

/** The two ways the fallback reaches the primary. */
export type FallbackVia = 'psql' | 'docker-exec';

/** Default time one psql run may take, in ms (a 1 MB value takes well under a second on loopback). */
export const DEFAULT_PSQL_TIMEOUT_MS = 30_000;

// Why this script: COPY is the only way to pass a value of any size to psql as data rather than SQL text, and
// COPY straight into the table (one row, its own transaction) is cheaper than staging it in a temp table. COPY
// cannot return the id, so currval() of the table's sequence, which is private to this session, names the row it
// just inserted. The schema is named as Prisma names it, so both paths write the same table.
const SCRIPT_BEFORE_VALUE = 'COPY "public"."test_replication" (data) FROM STDIN;\n';
const SCRIPT_AFTER_VALUE =
  '\\.\n' + 'SELECT currval(pg_get_serial_sequence(\'"public"."test_replication"\', \'id\'));\n';

/** No psqlrc, no prompts, quiet, unaligned tuples only, stop at the first error, script from stdin. */
const PSQL_FLAGS = ['-X', '-w', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-f', '-'] as const;

export interface PsqlFallbackOptions {
  /** `psql`: a local psql to `psqlHost`/`psqlPort`; `docker-exec`: psql inside `dockerContainer`. */
  readonly via: FallbackVia;
  /** The primary's URL: the user, password and database come from it (host and port do not). */
  readonly primaryUrl: string;
  /** Host or Unix socket folder for the local psql (`config.writer.psqlHost`). */
  readonly psqlHost: string;
  /** Port for the local psql (`config.writer.psqlPort`). */
  readonly psqlPort: number;
  /** An explicit psql for the local route (`config.writer.psqlPath`); default: found by `locatePsql`. */
  readonly psqlPath?: string | undefined;
  /** Container running the primary, for `docker-exec` (`config.writer.dockerContainer`). */
  readonly dockerContainer: string;
  /**
   * Extra environment for the child processes, on top of the inherited one; `PATH` here decides where
   * `psql`/`docker` are looked up. Default: none. @example { PATH: `/opt/pg/bin:${PATH}` }
   */
  readonly env?: Readonly<Record<string, string>>;
  /** How long one psql run may take, in ms. Default 30 000. */
  readonly timeoutMs?: number;
}

/** A fallback run that could not write: the executable is missing, or psql failed (its stderr, masked). */
export class PsqlFallbackError extends Error {
  override readonly name = 'PsqlFallbackError';
  constructor(
    message: string,
    /** Which executable was missing, when that was the problem. */
    readonly missing?: 'psql' | 'docker',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

interface Credentials {
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

function credentialsOf(primaryUrl: string): Credentials {
  const url = parsePostgresUrl(primaryUrl, 'DATABASE_URL');
  return {
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)),
  };
}

/** Strictly one integer line: anything else means we cannot tell which row was written. */
export function parseReturnedId(stdout: string): number {
  const match = /^(-?\d+)\n?$/.exec(stdout);
  const id = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(id)) {
    const shown = stdout.length > 200 ? `${stdout.slice(0, 200)}…` : stdout;
    throw new PsqlFallbackError(
      `psql finished but did not print exactly one id (got ${JSON.stringify(shown)}). ` +
        'The row may have been written; check test_replication on the primary.',
    );
  }
  return id;
}

/** Runs the fallback write. One instance per writer; it finds psql once and reuses it. */
export class PsqlFallback {
  readonly #options: PsqlFallbackOptions;
  readonly #credentials: Credentials;
  #psql: Promise<LocatedPsql> | undefined;

  constructor(options: PsqlFallbackOptions) {
    this.#options = options;
    this.#credentials = credentialsOf(options.primaryUrl);
  }

  get via(): FallbackVia {
    return this.#options.via;
  }

  /** Inserts `data` into test_replication on the primary and returns the new row's id. */
  async write(data: string): Promise<{ id: number; via: FallbackVia }> {
    assertWritable(data);
    const input = `${SCRIPT_BEFORE_VALUE}${encodeCopyText(data)}\n${SCRIPT_AFTER_VALUE}`;
    const { file, args } = await this.#command();
    const { user, password } = this.#credentials;
    const result = await execa(file, args, {
      input,
      reject: false,
      timeout: this.#options.timeoutMs ?? DEFAULT_PSQL_TIMEOUT_MS,
      stripFinalNewline: false,
      // The password reaches psql through its environment only (docker forwards it by name with `-e`).
      env: { ...this.#options.env, PGPASSWORD: password, PGCLIENTENCODING: 'UTF8', PGCONNECT_TIMEOUT: '10' },
    });
    const what =
      this.via === 'psql' ? `psql (${file})` : `docker exec psql in container ${this.#options.dockerContainer}`;
    if (result.code === 'ENOENT' && this.via === 'docker-exec') {
      throw new PsqlFallbackError(
        'The docker executable was not found on PATH, so the docker-exec fallback cannot run. ' +
          'Install the Docker CLI, or set WRITER_FALLBACK=psql to use a local psql.',
        'docker',
        { cause: result },
      );
    }
    if (result.timedOut) {
      throw new PsqlFallbackError(`${what} did not finish within ${result.durationMs.toFixed(0)} ms.`, undefined, {
        cause: result,
      });
    }
    if (result.failed) {
      const stderr = mask(String(result.stderr).trim(), password) || '(no output on stderr)';
      throw new PsqlFallbackError(
        `${what} failed as user "${user}" (exit ${result.exitCode ?? result.code ?? 'unknown'}): ${stderr}`,
        undefined,
        { cause: result },
      );
    }
    return { id: parseReturnedId(String(result.stdout)), via: this.via };
  }

  async #command(): Promise<{ file: string; args: string[] }> {
    const o = this.#options;
    const { user, database } = this.#credentials;
    if (o.via === 'docker-exec') {
      const env = ['-e', 'PGPASSWORD', '-e', 'PGCLIENTENCODING'];
      return {
        file: 'docker',
        args: ['exec', '-i', ...env, o.dockerContainer, 'psql', ...PSQL_FLAGS, '-U', user, '-d', database],
      };
    }
    this.#psql ??= locatePsql({ configured: o.psqlPath, env: o.env });
    const psql = await this.#psql.catch((cause: unknown) => {
      this.#psql = undefined; // a psql installed later is found on the next write
      throw new PsqlFallbackError(
        `The psql fallback cannot run: ${cause instanceof Error ? cause.message : String(cause)}`,
        'psql',
        { cause },
      );
    });
    const args = [...PSQL_FLAGS, '-h', o.psqlHost, '-p', String(o.psqlPort), '-U', user, '-d', database];
    return { file: psql.file, args };
  }
}

/** psql's stderr with the password and any URL credentials hidden. */
function mask(text: string, password: string): string {
  const masked = password ? text.split(password).join('***') : text;
  return masked.replace(/postgres(?:ql)?:\/\/[^\s"']+/g, (u) => maskUrl(u));
}
