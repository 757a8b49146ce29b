// Every change the consistency bench makes to the cluster (paused replay, ALTER SYSTEM, a frozen or stopped
// standby) is written down in a file
// in the cluster's folder *before* it is made, and crossed off once undone. A run that ends normally, fails or is
// interrupted undoes everything in `finally`; a run that was killed outright leaves the file behind, and the next
// run puts the cluster back first.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { type PgTarget, queryOnce } from '../../db/pg-client';
import { REPLAY_PAUSED, RESUME_REPLAY } from './admin-sql';
import type { NodeControl } from './node-control';
import { restoreSetting, type SavedSetting } from './system-setting';

/** One change to undo. `node` is the local cluster's node name (primary, standby1 …). */
export type RestoreAction =
  | { readonly kind: 'resume-replay'; readonly node: string }
  | { readonly kind: 'setting'; readonly node: string; readonly saved: SavedSetting }
  /** The node's server processes were SIGSTOPped: SIGCONT them. */
  | { readonly kind: 'thaw'; readonly node: string }
  /** The node was stopped: start it. */
  | { readonly kind: 'start'; readonly node: string };

interface LedgerFile {
  readonly pid: number;
  readonly startedAt: string;
  readonly actions: RestoreAction[];
}

/** The ledger's file name inside the cluster folder. */
export const LEDGER_FILE = 'bench-consistency-restore.json';

/** A short description of an action, for logs and errors. */
export function describeAction(a: RestoreAction): string {
  if (a.kind === 'resume-replay') return `resume replay on ${a.node}`;
  if (a.kind === 'thaw') return `SIGCONT ${a.node}'s server processes`;
  if (a.kind === 'start') return `start ${a.node}`;
  return `restore ${a.saved.name} on ${a.node} to "${a.saved.effective}"`;
}

const sameAction = (a: RestoreAction, b: RestoreAction) =>
  a.kind === b.kind &&
  a.node === b.node &&
  (a.kind !== 'setting' || (b.kind === 'setting' && a.saved.name === b.saved.name));

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export class RestoreLedger {
  readonly #file: string;
  readonly #admin: (node: string) => PgTarget;
  readonly #control: NodeControl | null;
  #actions: RestoreAction[] = [];
  readonly #startedAt = new Date().toISOString();

  /**
   * `admin(node)` gives the superuser connection to a node by name; `control` thaws and starts nodes (needed only
   * for the fault scenario's actions).
   */
  constructor(clusterDir: string, admin: (node: string) => PgTarget, control: NodeControl | null = null) {
    this.#file = path.join(clusterDir, LEDGER_FILE);
    this.#admin = admin;
    this.#control = control;
  }

  get file(): string {
    return this.#file;
  }

  /** Changes made and not yet undone. */
  get pending(): readonly RestoreAction[] {
    return this.#actions;
  }

  /**
   * Takes the ledger for this process. What a killed earlier run left behind is undone first (returned as
   * descriptions); a ledger held by another live process is refused.
   */
  async claim(): Promise<string[]> {
    let recovered: string[] = [];
    if (existsSync(this.#file)) {
      const left = JSON.parse(await fs.readFile(this.#file, 'utf8')) as LedgerFile;
      if (left.pid !== process.pid && processAlive(left.pid)) {
        throw new Error(
          `Another bench:consistency run (pid ${left.pid}, started ${left.startedAt}) is injecting lag on this ` +
            `cluster. Wait for it to finish, or stop it; if pid ${left.pid} is not that run, delete ${this.#file}.`,
        );
      }
      this.#actions = [...left.actions];
      recovered = this.#actions.map(describeAction);
      await this.undoAll();
    }
    await this.#save();
    return recovered;
  }

  /** Writes the action down, then runs `change`. */
  async apply(action: RestoreAction, change: () => Promise<void>): Promise<void> {
    if (!this.#actions.some((a) => sameAction(a, action))) {
      this.#actions.push(action);
      await this.#save();
    }
    await change();
  }

  /** Undoes one action and crosses it off. */
  async undo(action: RestoreAction): Promise<void> {
    await this.#run(action);
    this.#actions = this.#actions.filter((a) => !sameAction(a, action));
    await this.#save();
  }

  /**
   * Undoes every pending action, newest first, trying each even when one fails; the ledger file is removed once
   * nothing is left. Throws (after trying all) when something could not be undone.
   */
  async undoAll(): Promise<void> {
    const failures: string[] = [];
    for (const action of [...this.#actions].reverse()) {
      try {
        await this.undo(action);
      } catch (err) {
        failures.push(`${describeAction(action)}: ${(err as Error).message}`);
      }
    }
    if (failures.length > 0) {
      throw new Error(
        `Could not put the cluster back (${failures.join('; ')}). The ledger ${this.#file} keeps what is left; ` +
          'the next `npm run bench:consistency` retries it, or fix it by hand (pg_wal_replay_resume(), ALTER SYSTEM ' +
          'RESET, kill -CONT of a frozen server, npm run cluster:up).',
      );
    }
    await fs.rm(this.#file, { force: true });
  }

  async #run(action: RestoreAction): Promise<void> {
    if (action.kind === 'thaw' || action.kind === 'start') {
      if (!this.#control) throw new Error(`${describeAction(action)} needs the local cluster's process control`);
      return action.kind === 'thaw' ? this.#control.thaw(action.node) : this.#control.start(action.node);
    }
    const target = this.#admin(action.node);
    if (action.kind === 'setting') return restoreSetting(target, action.saved);
    await queryOnce(target, RESUME_REPLAY);
    const rows = await queryOnce<{ paused: boolean }>(target, REPLAY_PAUSED);
    if (rows[0]?.paused) throw new Error(`replay on ${action.node} is still paused after pg_wal_replay_resume()`);
  }

  async #save(): Promise<void> {
    const data: LedgerFile = { pid: process.pid, startedAt: this.#startedAt, actions: this.#actions };
    await fs.writeFile(this.#file, `${JSON.stringify(data, null, 2)}\n`);
  }
}
