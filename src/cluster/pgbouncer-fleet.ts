// One PgBouncer per PostgreSQL node, all kept in one folder: started together from the nodes' URLs, each giving
// the same login and database on its own port, and found again from that folder (`pgbouncers.json`) by a later
// command (`cluster:status`, `cluster:down`). The folder holds no password but the userlists (0600).
import fs from 'node:fs/promises';
import path from 'node:path';
import type { RunAs } from './os-user';
import { locatePgbouncer } from './pgbouncer-binary';
import {
  PGBOUNCER_ADMIN,
  PGBOUNCER_DEFAULTS,
  type PgBouncerInstanceConfig,
  type PgBouncerLogin,
  type PgBouncerServer,
  type PgBouncerSettings,
} from './pgbouncer-config';
import { PgBouncerConfigError } from './pgbouncer-errors';
import { PgBouncerProcess, type PgBouncerShowRow } from './pgbouncer-process';

type Logger = (line: string) => void;

/** A PostgreSQL node to front: a name for files and messages, and its URL with the application's login. */
export interface PgBouncerNode {
  readonly name: string;
  readonly url: string;
}

export interface PgBouncerFleetOptions {
  /** The folder of the fleet's files; PgBouncer's account must be able to reach it. */
  readonly dir: string;
  readonly nodes: readonly PgBouncerNode[];
  /** One listening port per node, in the same order, each below 32768. */
  readonly ports: readonly number[];
  /** Pooling settings over PGBOUNCER_DEFAULTS. */
  readonly settings?: Partial<PgBouncerSettings>;
  /** The admin console's account; default PGBOUNCER_ADMIN. */
  readonly admin?: PgBouncerLogin;
  readonly log?: Logger;
  /** The account PgBouncer runs as; default the local cluster's. */
  readonly runAs?: RunAs | undefined;
}

/** One started PgBouncer. */
export interface PgBouncerInstance {
  readonly name: string;
  /** Where PgBouncer listens. */
  readonly port: number;
  /** The node behind it. */
  readonly server: PgBouncerServer;
  /** The node's URL with PgBouncer's host and port: same login, database and parameters. */
  readonly url: string;
}

/** What `pgbouncers.json` records of each instance: enough to find, stop and query it, and no password. */
interface RecordedInstance {
  readonly name: string;
  readonly listenHost: string;
  readonly listenPort: number;
  readonly server: PgBouncerServer;
  readonly files: PgBouncerInstanceConfig['files'];
}

/** One PgBouncer of a fleet as `status` finds it. */
export interface PgBouncerStatus {
  readonly name: string;
  readonly port: number;
  readonly serverPort: number;
  /** The pid of a running instance, or null when it is not running. */
  readonly pid: number | null;
  /** Its `SHOW DATABASES` row for the node's database (paused…), or null when it did not answer. */
  readonly database: PgBouncerShowRow | null;
  /** The database's pool mode (its own, else the global `pool_mode`), or null when it did not answer. */
  readonly poolMode: string | null;
  /** Its `SHOW POOLS` row for that database, or null when it did not answer or no client has connected yet. */
  readonly pool: PgBouncerShowRow | null;
}

/** The loopback address every local PgBouncer listens on. */
export const PGBOUNCER_HOST = '127.0.0.1';
const STATE_FILE = 'pgbouncers.json';

function serverOf(node: PgBouncerNode): { server: PgBouncerServer; login: PgBouncerLogin } {
  let url: URL;
  try {
    url = new URL(node.url);
  } catch (cause) {
    throw new PgBouncerConfigError(`The URL of ${node.name} is not a postgresql:// URL.`, { cause });
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const user = decodeURIComponent(url.username);
  if (database === '' || user === '') {
    throw new PgBouncerConfigError(
      `The URL of ${node.name} must name a user and a database (postgresql://user:password@host:port/database).`,
    );
  }
  return {
    server: { host: url.hostname, port: Number(url.port || 5432), database },
    login: { user, password: decodeURIComponent(url.password) },
  };
}

/** The node's URL with PgBouncer's host and port instead. */
export function throughPgBouncer(nodeUrl: string, port: number): string {
  const url = new URL(nodeUrl);
  url.hostname = PGBOUNCER_HOST;
  url.port = String(port);
  return url.toString();
}

function filesOf(dir: string, name: string): PgBouncerInstanceConfig['files'] {
  return {
    ini: path.join(dir, `${name}.ini`),
    userlist: path.join(dir, `${name}.userlist`),
    log: path.join(dir, `${name}.log`),
    pid: path.join(dir, `${name}.pid`),
  };
}

/** A process handle for a recorded instance (enough to stop it or use its admin console). */
function recordedProcess(entry: RecordedInstance, admin: PgBouncerLogin, log?: Logger): PgBouncerProcess {
  return new PgBouncerProcess(
    { ...entry, logins: [], admin, statsUsers: [], settings: PGBOUNCER_DEFAULTS },
    log ? { log } : {},
  );
}

async function readState(dir: string): Promise<RecordedInstance[]> {
  const text = await fs.readFile(path.join(dir, STATE_FILE), 'utf8').catch(() => null);
  if (text === null) return [];
  try {
    return JSON.parse(text) as RecordedInstance[];
  } catch (cause) {
    throw new PgBouncerConfigError(
      `${path.join(dir, STATE_FILE)} is not valid JSON. Stop any PgBouncer listed there by hand (its pid files are ` +
        'in the same folder) and delete the file.',
      { cause },
    );
  }
}

export class PgBouncerFleet {
  readonly instances: readonly PgBouncerInstance[];
  readonly #processes: readonly PgBouncerProcess[];
  readonly #dir: string;

  private constructor(dir: string, instances: readonly PgBouncerInstance[], processes: readonly PgBouncerProcess[]) {
    this.#dir = dir;
    this.instances = instances;
    this.#processes = processes;
  }

  /**
   * Starts one PgBouncer per node (or reloads one that runs already on its port) and resolves once every one
   * answers. On a failure, the ones it started are stopped again and the error (PgBouncerNotInstalledError,
   * PgBouncerPortInUseError, PgBouncerStartError, PgBouncerConfigError) is thrown.
   */
  static async start(options: PgBouncerFleetOptions): Promise<PgBouncerFleet> {
    const { nodes, ports } = options;
    if (nodes.length === 0 || ports.length !== nodes.length) {
      throw new PgBouncerConfigError(
        `One PgBouncer port per node is needed: ${nodes.length} node(s) (${nodes.map((n) => n.name).join(', ')}) ` +
          `but ${ports.length} port(s) (${ports.join(', ')}).`,
      );
    }
    if (new Set(ports).size !== ports.length) {
      throw new PgBouncerConfigError(`The PgBouncer ports ${ports.join(', ')} name a port twice.`);
    }
    if (new Set(nodes.map((n) => n.name)).size !== nodes.length) {
      throw new PgBouncerConfigError(`The nodes ${nodes.map((n) => n.name).join(', ')} name a node twice.`);
    }
    const binary = await locatePgbouncer();
    const settings: PgBouncerSettings = { ...PGBOUNCER_DEFAULTS, ...options.settings };
    const admin = options.admin ?? PGBOUNCER_ADMIN;
    const processOptions = {
      binary,
      ...(options.log ? { log: options.log } : {}),
      ...('runAs' in options ? { runAs: options.runAs } : {}),
    };
    const instances: PgBouncerInstance[] = [];
    const processes = nodes.map((node, i) => {
      const port = ports[i]!;
      const { server, login } = serverOf(node);
      instances.push({ name: node.name, port, server, url: throughPgBouncer(node.url, port) });
      const config: PgBouncerInstanceConfig = {
        name: node.name,
        listenHost: PGBOUNCER_HOST,
        listenPort: port,
        server,
        logins: [login],
        admin,
        statsUsers: [login.user],
        files: filesOf(options.dir, node.name),
        settings,
      };
      return new PgBouncerProcess(config, processOptions);
    });
    await fs.mkdir(options.dir, { recursive: true });
    // Recorded first, so that a later `stopAll` finds whatever this start leaves running, even after a failure.
    const recorded: RecordedInstance[] = processes.map(({ config: c }) => ({
      name: c.name,
      listenHost: c.listenHost,
      listenPort: c.listenPort,
      server: c.server,
      files: c.files,
    }));
    const kept = (await readState(options.dir)).filter((r) => !recorded.some((n) => n.name === r.name));
    await fs.writeFile(path.join(options.dir, STATE_FILE), `${JSON.stringify([...kept, ...recorded], null, 2)}\n`);
    const fleet = new PgBouncerFleet(options.dir, instances, processes);
    const results = await Promise.allSettled(processes.map((p) => p.start()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await fleet.stop().catch(() => undefined);
      throw failed.reason;
    }
    return fleet;
  }

  /** Stops every PgBouncer recorded in `dir` and forgets them; resolves to the names of those that ran. */
  static async stopAll(dir: string, log?: Logger): Promise<string[]> {
    const stopped: string[] = [];
    for (const entry of await readState(dir)) {
      const proc = recordedProcess(entry, PGBOUNCER_ADMIN, log);
      if ((await proc.pid()) !== null) stopped.push(entry.name);
      await proc.stop();
    }
    await fs.rm(path.join(dir, STATE_FILE), { force: true });
    return stopped;
  }

  /** Each PgBouncer recorded in `dir`: whether it runs, and its pool for the node's database. */
  static async status(dir: string, admin: PgBouncerLogin = PGBOUNCER_ADMIN): Promise<PgBouncerStatus[]> {
    return Promise.all(
      (await readState(dir)).map(async (entry): Promise<PgBouncerStatus> => {
        const proc = recordedProcess(entry, admin);
        const pid = await proc.pid();
        const show = async (what: string) =>
          pid === null ? null : await proc.admin(`SHOW ${what}`, 2000).catch(() => null);
        const [databases, pools, config] = [await show('DATABASES'), await show('POOLS'), await show('CONFIG')];
        const database = databases?.find((row) => row.name === entry.server.database) ?? null;
        const globalMode = config?.find((row) => row.key === 'pool_mode')?.value ?? null;
        return {
          name: entry.name,
          port: entry.listenPort,
          serverPort: entry.server.port,
          pid,
          database,
          poolMode: database === null ? null : database.pool_mode || globalMode,
          pool: pools?.find((row) => row.database === entry.server.database) ?? null,
        };
      }),
    );
  }

  /** The fleet's folder. */
  get dir(): string {
    return this.#dir;
  }

  /** Stops this fleet's PgBouncers. Idempotent. */
  async stop(): Promise<void> {
    await Promise.all(this.#processes.map((p) => p.stop()));
    const names = new Set(this.instances.map((i) => i.name));
    const rest = (await readState(this.#dir)).filter((r) => !names.has(r.name));
    if (rest.length === 0) await fs.rm(path.join(this.#dir, STATE_FILE), { force: true });
    else await fs.writeFile(path.join(this.#dir, STATE_FILE), `${JSON.stringify(rest, null, 2)}\n`);
  }

  /** Instance i's process (its admin console, pause, resume, log). */
  process(i: number): PgBouncerProcess {
    const found = this.#processes[i];
    if (!found) throw new PgBouncerConfigError(`This fleet has no PgBouncer ${i} (it has ${this.#processes.length}).`);
    return found;
  }
}
