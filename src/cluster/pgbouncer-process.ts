// One PgBouncer process: writes its files, starts it as a daemon (as the server account when we are root:
// PgBouncer refuses to run as root, like PostgreSQL), waits until it answers, and stops, pauses or queries it through
// its admin console. The pid file tells which process is ours; a process is only signalled when its command line
// names this instance's ini file, so a stale pid file never kills a stranger.
import fs from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { locatePgbouncer, type LocatedPgBouncer } from './pgbouncer-binary';
import { pgbouncerConfig, type PgBouncerInstanceConfig } from './pgbouncer-config';
import { PgBouncerError, PgBouncerPortInUseError, PgBouncerStartError } from './pgbouncer-errors';
import { portAnswers } from './node-process';
import { type RunAs, serverAccount } from './os-user';

/** How long a start may take until the admin console answers, in ms. */
export const PGBOUNCER_START_TIMEOUT_MS = 15_000;
/** How long a stop may take after SIGTERM before SIGKILL, in ms. */
const STOP_TIMEOUT_MS = 10_000;
/** How long an admin console command may take (PAUSE waits for queries in flight), in ms. */
export const PGBOUNCER_ADMIN_TIMEOUT_MS = 10_000;

type Logger = (line: string) => void;

/** A row of an admin console SHOW command: every column arrives as text (or null). */
export type PgBouncerShowRow = Readonly<Record<string, string | null>>;

export interface PgBouncerProcessOptions {
  readonly log?: Logger;
  /** The account to run as; default the local cluster's (`postgres` when we are root, else ourselves). */
  readonly runAs?: RunAs | undefined;
  /** The binary; default the one `locatePgbouncer` finds. */
  readonly binary?: LocatedPgBouncer;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * True when process `pid` runs. A zombie does not: a daemon's parent is init, which may reap it only a second later
 * (containers), and a stopped PgBouncer must not be waited for that long.
 */
async function alive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  return status === null || !/^State:\s+Z/m.test(status);
}

export class PgBouncerProcess {
  readonly config: PgBouncerInstanceConfig;
  readonly #log: Logger;
  readonly #options: PgBouncerProcessOptions;
  #account: RunAs | undefined | null = null;

  constructor(config: PgBouncerInstanceConfig, options: PgBouncerProcessOptions = {}) {
    this.config = config;
    this.#log = options.log ?? (() => undefined);
    this.#options = options;
  }

  get name(): string {
    return this.config.name;
  }

  get port(): number {
    return this.config.listenPort;
  }

  /** The pid of this instance's running PgBouncer, or null (no pid file, a dead pid, or not our process). */
  async pid(): Promise<number | null> {
    const text = await fs.readFile(this.config.files.pid, 'utf8').catch(() => null);
    const pid = text === null ? NaN : Number(text.trim());
    if (!Number.isInteger(pid) || pid <= 0 || !(await alive(pid))) return null;
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const args = cmdline.split('\0');
    const ours = args.some((a) => path.basename(a) === 'pgbouncer') && args.includes(this.config.files.ini);
    return ours ? pid : null;
  }

  /**
   * Writes the files and starts PgBouncer, or, when this instance already runs on the same port, rewrites them and
   * reloads it. Resolves once the admin console answers. Throws `PgBouncerNotInstalledError`,
   * `PgBouncerPortInUseError` or `PgBouncerStartError`.
   */
  async start(): Promise<void> {
    const running = await this.pid();
    if (running !== null) {
      const listening = await this.#listeningPort();
      if (listening === this.port && (await portAnswers(this.config.listenHost, this.port))) {
        await this.#writeFiles();
        process.kill(running, 'SIGHUP');
        this.#log(`PgBouncer for ${this.name} runs on port ${this.port}; configuration reloaded`);
        return this.#waitUntilAnswering(running);
      }
      await this.stop();
    }
    if (await portAnswers(this.config.listenHost, this.port)) {
      throw new PgBouncerPortInUseError(this.config.listenHost, this.port);
    }
    const binary = this.#options.binary ?? (await locatePgbouncer());
    await this.#writeFiles();
    // The pid file of a process that is gone would make PgBouncer refuse to start.
    await fs.rm(this.config.files.pid, { force: true });
    this.#log(`starting PgBouncer for ${this.name} on port ${this.port} (→ ${this.config.server.port})`);
    const runAs = await this.#runAs();
    const result = await execa(binary.file, ['-d', this.config.files.ini], {
      reject: false,
      all: true,
      stdin: 'ignore',
      timeout: PGBOUNCER_START_TIMEOUT_MS,
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
    if (result.failed) {
      const tail = await this.logTail();
      if (/Address already in use/i.test(tail) || /Address already in use/i.test(String(result.all))) {
        throw new PgBouncerPortInUseError(this.config.listenHost, this.port, { cause: result });
      }
      throw new PgBouncerStartError(
        this.name,
        this.port,
        `${path.basename(binary.file)} -d ${this.config.files.ini} ${result.timedOut ? 'timed out' : `exited with ${result.exitCode ?? result.signal}`}. ` +
          `Its output: ${String(result.all ?? '').trim() || '(none)'}. Last lines of ${this.config.files.log}:\n${tail}\n` +
          'Fix what it names (a setting given in the options, a file its account cannot read), then start again.',
        { cause: result },
      );
    }
    await this.#waitUntilAnswering(null);
  }

  /** Stops this instance (SIGTERM: immediate shutdown, clients cut; SIGKILL if it lingers). Idempotent. */
  async stop(): Promise<void> {
    const pid = await this.pid();
    if (pid === null) {
      await fs.rm(this.config.files.pid, { force: true });
      return;
    }
    this.#log(`stopping PgBouncer for ${this.name} (port ${this.port})`);
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while ((await alive(pid)) && Date.now() < deadline) await sleep(20);
    if (await alive(pid)) {
      this.#log(`PgBouncer for ${this.name} did not stop within ${STOP_TIMEOUT_MS / 1000}s; killing it`);
      process.kill(pid, 'SIGKILL');
      while (await alive(pid)) await sleep(20);
    }
    await fs.rm(this.config.files.pid, { force: true });
  }

  /** Runs one admin console command (simple query protocol) as the admin account and returns its rows. */
  async admin(command: string, timeoutMs = PGBOUNCER_ADMIN_TIMEOUT_MS): Promise<PgBouncerShowRow[]> {
    const client = new pg.Client({
      host: this.config.listenHost,
      port: this.port,
      user: this.config.admin.user,
      password: this.config.admin.password,
      database: 'pgbouncer',
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const result = await client.query<Record<string, unknown>>(command);
      return result.rows.map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : String(v)])),
      );
    } catch (cause) {
      throw new PgBouncerError(
        `PgBouncer for ${this.name} (port ${this.port}) did not run \`${command}\`: ${message(cause)}. Check that ` +
          `it runs and what its log says: ${this.config.files.log}.`,
        { cause },
      );
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** PAUSE: waits for queries in flight, closes the server connections; new queries wait until resume(). */
  async pause(): Promise<void> {
    await this.admin(`PAUSE ${this.config.server.database}`);
  }

  /** RESUME after pause(). */
  async resume(): Promise<void> {
    await this.admin(`RESUME ${this.config.server.database}`);
  }

  /** The last lines of this instance's log file (empty when there is none). */
  async logTail(lines = 12): Promise<string> {
    const text = await fs.readFile(this.config.files.log, 'utf8').catch(() => '');
    return text.trim().split('\n').slice(-lines).join('\n');
  }

  // --- internals ---

  async #runAs(): Promise<RunAs | undefined> {
    if (this.#account === null) this.#account = 'runAs' in this.#options ? this.#options.runAs : await serverAccount();
    return this.#account;
  }

  /** The port the ini file on disk says (what a running instance was started with), or null. */
  async #listeningPort(): Promise<number | null> {
    const ini = await fs.readFile(this.config.files.ini, 'utf8').catch(() => '');
    const match = /^listen_port\s*=\s*(\d+)\s*$/m.exec(ini);
    return match ? Number(match[1]) : null;
  }

  /**
   * Writes the ini and the userlist. The folder and both files belong to PgBouncer's account; the userlist holds
   * plain-text passwords, so only that account may read it (0600).
   */
  async #writeFiles(): Promise<void> {
    const files = pgbouncerConfig(this.config);
    const runAs = await this.#runAs();
    const dirs = new Set([this.config.files.ini, this.config.files.log, this.config.files.pid].map(path.dirname));
    for (const dir of dirs) {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      if (runAs) await fs.chown(dir, runAs.uid, runAs.gid);
    }
    await fs.mkdir(path.dirname(this.config.files.userlist), { recursive: true, mode: 0o700 });
    // Written to a fresh file with its final mode, then renamed: the passwords are never readable by others.
    const write = async (file: string, text: string, mode: number) => {
      const temp = `${file}.${process.pid}.tmp`;
      await fs.writeFile(temp, text, { mode });
      await fs.chmod(temp, mode);
      if (runAs) await fs.chown(temp, runAs.uid, runAs.gid);
      await fs.rename(temp, file);
    };
    await write(this.config.files.userlist, files.userlist, 0o600);
    await write(this.config.files.ini, files.ini, 0o644);
  }

  /** Waits until the admin console answers; a PgBouncer that exits meanwhile is a start error with its log. */
  async #waitUntilAnswering(knownPid: number | null): Promise<void> {
    const started = Date.now();
    const deadline = started + PGBOUNCER_START_TIMEOUT_MS;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      // The daemon writes its pid file as it starts: none after 2 s (or a reloaded one gone) means it exited.
      const gone =
        knownPid === null ? Date.now() - started > 2000 && (await this.pid()) === null : !(await alive(knownPid));
      if (gone) {
        const tail = await this.logTail();
        if (/Address already in use/i.test(tail)) throw new PgBouncerPortInUseError(this.config.listenHost, this.port);
        throw new PgBouncerStartError(
          this.name,
          this.port,
          `it exited. Last lines of ${this.config.files.log}:\n${tail}`,
        );
      }
      try {
        await this.admin('SHOW VERSION', 2000);
        return;
      } catch (err) {
        last = message(err);
      }
      await sleep(100);
    }
    throw new PgBouncerStartError(
      this.name,
      this.port,
      `its admin console did not answer within ${PGBOUNCER_START_TIMEOUT_MS / 1000}s (${last}). Last lines of ` +
        `${this.config.files.log}:\n${await this.logTail()}`,
    );
  }
}
