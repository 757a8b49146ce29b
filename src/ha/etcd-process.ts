// The HA cluster's DCS: one etcd 3.4 on loopback, with the v3 API only (Patroni uses its etcd3 section).
import fs from 'node:fs/promises';
import type { RunAs } from '../cluster/os-user';
import { chownTree } from '../cluster/os-user';
import { portAnswers } from '../cluster/node-process';
import { daemonExited, runningPid, startDaemon, terminate } from './daemon';
import { HA_BINARIES } from './ha-binaries';
import type { HaConfig } from './ha-config';
import { WaitAborted, waitFor } from './wait-for';

/** How long etcd may take to answer /health after it starts (it is up in well under a second when well). */
export const ETCD_START_TIMEOUT_MS = 20_000;
/** How long etcd may take to exit on SIGTERM before it is killed. */
export const ETCD_STOP_GRACE_MS = 10_000;

const NAME = 'rwsplit-ha-etcd';

export function etcdClientUrl(cfg: HaConfig): string {
  return `http://${cfg.host}:${cfg.etcd.clientPort}`;
}

export function etcdArgs(cfg: HaConfig): string[] {
  const client = etcdClientUrl(cfg);
  const peer = `http://${cfg.host}:${cfg.etcd.peerPort}`;
  return [
    `--name=${NAME}`,
    `--data-dir=${cfg.etcd.dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=${NAME}=${peer}`,
    '--initial-cluster-state=new',
    '--initial-cluster-token=rwsplit-ha',
    '--enable-v2=false',
  ];
}

/** True when etcd answers /health with health "true" within 2 s. */
export async function etcdHealthy(cfg: HaConfig): Promise<boolean> {
  const res = await fetch(`${etcdClientUrl(cfg)}/health`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
  if (!res || res.status !== 200) return false;
  const body = (await res.json().catch(() => null)) as { health?: unknown } | null;
  return body?.health === 'true';
}

async function logTail(file: string): Promise<string> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-6).join('\n') || '(empty)';
}

/** Starts etcd unless ours already runs; returns once it is healthy, or throws with its log's last lines. */
export async function startEtcd(cfg: HaConfig, runAs: RunAs | undefined, log: (line: string) => void): Promise<void> {
  const pid = await runningPid(cfg.etcd.pidFile, cfg.etcd.dataDir);
  if (pid === null) {
    if (await portAnswers(cfg.host, cfg.etcd.clientPort)) {
      throw new Error(
        `Port ${cfg.etcd.clientPort} on ${cfg.host} is taken by another process, not by the HA cluster's etcd ` +
          `(\`ss -ltnp | grep ${cfg.etcd.clientPort}\` shows which). Stop it, or pick other ports (etcdClientPort).`,
      );
    }
    await fs.mkdir(cfg.etcd.dataDir, { recursive: true, mode: 0o700 });
    await chownTree(`${cfg.dir}/etcd`, runAs);
    log(`starting etcd on ${cfg.host}:${cfg.etcd.clientPort}`);
    await startDaemon(
      {
        file: HA_BINARIES.etcd,
        args: etcdArgs(cfg),
        logFile: cfg.etcd.logFile,
        pidFile: cfg.etcd.pidFile,
        home: cfg.dir,
      },
      runAs,
    );
  }
  await waitFor(
    'etcd to answer /health',
    async () => {
      if (await etcdHealthy(cfg)) return { done: true, value: undefined };
      if (await daemonExited(cfg.etcd.pidFile)) {
        throw new WaitAborted('etcd exited');
      }
      return { done: false, seen: 'etcd runs but is not healthy yet' };
    },
    { timeoutMs: ETCD_START_TIMEOUT_MS, advice: `Read ${cfg.etcd.logFile}.` },
  ).catch(async (err: unknown) => {
    const exited = err instanceof WaitAborted;
    throw new Error(
      `${exited ? 'etcd exited' : `etcd runs but did not answer /health within ${ETCD_START_TIMEOUT_MS / 1000} s (hung or stopped?)`}. ` +
        `Last lines of ${cfg.etcd.logFile}:\n${await logTail(cfg.etcd.logFile)}\n` +
        'Stop the HA cluster (`npm run ha:down`) and start it again.',
      { cause: err },
    );
  });
}

/** Stops our etcd (SIGTERM, then SIGKILL after a grace period); no-op when it does not run. */
export async function stopEtcd(cfg: HaConfig, log: (line: string) => void): Promise<void> {
  const pid = await runningPid(cfg.etcd.pidFile, cfg.etcd.dataDir);
  if (pid === null) return;
  log('stopping etcd');
  const how = await terminate(pid, cfg.etcd.dataDir, ETCD_STOP_GRACE_MS);
  if (how === 'killed') log(`etcd did not exit within ${ETCD_STOP_GRACE_MS / 1000} s of SIGTERM and was killed`);
}
