// Process control for one node of the local cluster: pg_ctl start/stop/status/promote and initdb, run as the
// server account, with the waits, retries and error messages that make a start fail clearly, never hang.
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { type LocalClusterConfig, localSocketDir } from '../config';
import type { LocalNode } from './node-files';
import { type PgBinaries, pgBinaries, reachableBinaries } from './pg-binaries';
import { clearStalePid, postmasterPidOwner } from './postmaster-pid';
import { type RunAs, serverAccount } from './os-user';

/** Seconds pg_ctl may take to start or stop one node before we give up. */
export const PG_CTL_TIMEOUT_S = 60;
/** Seconds a quick pg_ctl call (`status`) may take: it only reads postmaster.pid and signals the process. */
export const PG_CTL_STATUS_TIMEOUT_S = 15;
/** Attempts to start a node whose port or shared memory is briefly held by another process. */
const START_ATTEMPTS = 3;
/** Log lines of a start that fails for a moment only (see start). */
const TRANSIENT_START_FAILURE =
  /Address already in use|pre-existing shared memory block|lock file "[^"]*" already exists/;

export interface NodeProcessOptions {
  /** How long `pg_ctl status` may take, in seconds. Default PG_CTL_STATUS_TIMEOUT_S. */
  readonly statusTimeoutS?: number;
}

export class NodeProcess {
  readonly #cfg: LocalClusterConfig;
  readonly #log: (line: string) => void;
  readonly #statusTimeoutS: number;
  #runAs: RunAs | undefined | null = null;
  #bins: PgBinaries | null = null;

  constructor(cfg: LocalClusterConfig, log: (line: string) => void, options: NodeProcessOptions = {}) {
    this.#cfg = cfg;
    this.#log = log;
    this.#statusTimeoutS = options.statusTimeoutS ?? PG_CTL_STATUS_TIMEOUT_S;
  }

  /** Promotes a standby and waits until it accepts writes. */
  async promote(node: LocalNode): Promise<void> {
    await this.ctl(['promote', '-D', node.dataDir, '-w', '-t', String(PG_CTL_TIMEOUT_S)]);
  }

  /** The account the servers run as (undefined when we are not root). */
  async account(): Promise<RunAs | undefined> {
    if (this.#runAs === null) this.#runAs = await serverAccount();
    return this.#runAs;
  }

  /** The PostgreSQL binaries, where the server account can run them (see reachableBinaries). */
  async binaries(): Promise<PgBinaries> {
    this.#bins ??= await reachableBinaries(pgBinaries(), await this.account());
    return this.#bins;
  }

  /** Runs a PostgreSQL binary as the server account. */
  async run(file: string, args: string[]): Promise<string> {
    const runAs = await this.account();
    const timeoutS = PG_CTL_TIMEOUT_S + 10;
    const result = await execa(file, args, {
      reject: false,
      all: true,
      stdin: 'ignore',
      timeout: timeoutS * 1000,
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
    if (result.timedOut) {
      throw new Error(
        `${path.basename(file)} ${args.join(' ')} did not finish within ${timeoutS}s and was stopped. ` +
          `Output so far: ${result.all?.trim() || '(none)'}. Look at the logs in ${path.join(this.#cfg.dir, 'logs')}; ` +
          'if a node is stuck, `npm run cluster:reset` rebuilds the cluster.',
        { cause: result },
      );
    }
    if (result.exitCode !== 0) {
      throw new Error(
        `${path.basename(file)} ${args.join(' ')} failed (${result.exitCode === undefined ? result.message : `exit ${result.exitCode}`}): ${result.all?.trim() ?? ''}`,
      );
    }
    return result.all ?? '';
  }

  async ctl(args: string[]): Promise<string> {
    return this.run((await this.binaries()).pgCtl, args);
  }

  async isRunning(node: LocalNode): Promise<boolean> {
    if (!existsSync(path.join(node.dataDir, 'PG_VERSION'))) return false;
    const runAs = await this.account();
    const r = await execa((await this.binaries()).pgCtl, ['status', '-D', node.dataDir], {
      reject: false,
      stdin: 'ignore',
      timeout: this.#statusTimeoutS * 1000,
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
    if (r.timedOut) {
      throw new Error(
        `pg_ctl status -D ${node.dataDir} did not answer within ${this.#statusTimeoutS}s, so whether ${node.name} ` +
          'runs is unknown. Check that its data folder is readable (a hung file system?) and what process ' +
          `${path.join(node.dataDir, 'postmaster.pid')} names; then retry, or \`npm run cluster:reset\`.`,
        { cause: r },
      );
    }
    return r.exitCode === 0;
  }

  async start(node: LocalNode, attempt = 1): Promise<void> {
    if (await this.isRunning(node)) {
      if (await portAnswers(this.#cfg.host, node.port)) return;
      await clearStalePid(node, localSocketDir(this.#cfg), this.#log);
    }
    if (await portAnswers(this.#cfg.host, node.port)) {
      throw new Error(
        `Port ${node.port} on ${this.#cfg.host} is taken by another process, not by this cluster's ${node.name}. ` +
          'Stop that process, or choose other ports with RWSPLIT_CLUSTER_PORTS=p0,p1,p2.',
      );
    }
    this.#log(`starting ${node.name} on port ${node.port}`);
    try {
      await this.ctl(['start', '-D', node.dataDir, '-l', node.logFile, '-w', '-t', String(PG_CTL_TIMEOUT_S)]);
    } catch (cause) {
      const tail = await fs
        .readFile(node.logFile, 'utf8')
        .then((t) => t.trim().split('\n').slice(-8).join('\n'))
        .catch(() => '');
      // Both pass within moments: a loopback port above 32767 held as the local end of an outgoing connection,
      // and a crashed server's last processes still holding its shared memory.
      if (TRANSIENT_START_FAILURE.test(tail) && attempt < START_ATTEMPTS) {
        this.#log(`${node.name} cannot start yet (${TRANSIENT_START_FAILURE.exec(tail)?.[0]}); retrying`);
        await new Promise((r) => setTimeout(r, 500 * attempt));
        return this.start(node, attempt + 1);
      }
      const advice = /Address already in use/.test(tail)
        ? `Port ${node.port} is in use by another socket (\`ss -tanp | grep ${node.port}\` shows which). ` +
          'Stop that process, or choose other ports with RWSPLIT_CLUSTER_PORTS=p0,p1,p2.'
        : 'If the data folder is damaged, `npm run cluster:reset` rebuilds the cluster.';
      throw new Error(
        `Could not start ${node.name} on port ${node.port}. Last lines of ${node.logFile}:\n${tail}\n${advice}`,
        { cause },
      );
    }
  }

  async stop(node: LocalNode, mode: 'fast' | 'immediate'): Promise<void> {
    if (!(await this.isRunning(node))) return;
    // pg_ctl would signal whatever process the file names; a stale file is cleared instead, signalling no one.
    if ((await postmasterPidOwner(node.dataDir)).kind !== 'server') {
      return clearStalePid(node, localSocketDir(this.#cfg), this.#log);
    }
    this.#log(`stopping ${node.name} (${mode})`);
    await this.ctl(['stop', '-D', node.dataDir, '-m', mode, '-w', '-t', String(PG_CTL_TIMEOUT_S)]);
  }
}

/** True when something accepts TCP connections on host:port within 500 ms. */
export function portAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
