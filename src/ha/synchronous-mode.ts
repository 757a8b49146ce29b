// Patroni's synchronous replication on the local HA cluster. `synchronous_mode` makes the leader name one healthy
// replica in synchronous_standby_names (its "sync standby", role `sync_standby` in /cluster), and only that member
// may be promoted; with synchronous_commit at its default `on` (Patroni leaves it alone), a commit returns once the
// sync standby has flushed its WAL, so a failover loses no acknowledged write. `synchronous_mode_strict`
// additionally keeps writes waiting when no replica can be the sync standby, instead of falling back to asynchronous.
// Both live in the DCS's dynamic configuration: PATCH /config changes them on a running cluster, no restart.
import type { HaConfig } from './ha-config';
import { syncReplicationState } from './ha-sql';
import {
  fetchClusterFromAny,
  fetchDynamicConfig,
  patchDynamicConfig,
  type PatroniCluster,
  type PatroniDynamicConfig,
  type PatroniMember,
  PatroniRestError,
} from './patroni-rest';
import { describeMembers } from './ha-status';
import { waitFor } from './wait-for';

export const SYNCHRONOUS_MODES = ['off', 'on', 'strict'] as const;
/** `off`: asynchronous; `on`: synchronous_mode; `strict`: synchronous_mode plus synchronous_mode_strict. */
export type SynchronousMode = (typeof SYNCHRONOUS_MODES)[number];

/** How long a mode change may take until the leader waits (or no longer waits) for a sync standby. */
export const SYNCHRONOUS_MODE_TIMEOUT_MS = 30_000;

export interface SynchronousState {
  readonly mode: SynchronousMode;
  /** The member Patroni lists as `sync_standby`, if any. */
  readonly syncStandby: string | undefined;
}

export function isSynchronousMode(value: string): value is SynchronousMode {
  return (SYNCHRONOUS_MODES as readonly string[]).includes(value);
}

/** The mode a dynamic configuration describes (strict without synchronous_mode is asynchronous, as for Patroni). */
export function synchronousModeOf(config: PatroniDynamicConfig): SynchronousMode {
  if (config.synchronous_mode !== true) return 'off';
  return config.synchronous_mode_strict === true ? 'strict' : 'on';
}

/** The PATCH /config body that sets `mode`. */
export function synchronousModePatch(mode: SynchronousMode): {
  synchronous_mode: boolean;
  synchronous_mode_strict: boolean;
} {
  return { synchronous_mode: mode !== 'off', synchronous_mode_strict: mode === 'strict' };
}

/** The member /cluster lists as the synchronous standby, if any. */
export function syncStandbyOf(cluster: PatroniCluster): PatroniMember | undefined {
  return cluster.members.find((m) => m.role === 'sync_standby');
}

/** GET /config from the first member that answers. */
async function dynamicConfigFromAny(restUrls: readonly string[]): Promise<PatroniDynamicConfig> {
  const errors: string[] = [];
  for (const url of restUrls) {
    try {
      return await fetchDynamicConfig(url);
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err));
    }
  }
  throw new PatroniRestError(`No Patroni member answered /config: ${errors.join('; ')}`);
}

/** The cluster's synchronous mode (from /config) and its sync standby now (from /cluster). */
export async function readSynchronousState(restUrls: readonly string[]): Promise<SynchronousState> {
  const mode = synchronousModeOf(await dynamicConfigFromAny(restUrls));
  return { mode, syncStandby: syncStandbyOf(await fetchClusterFromAny(restUrls))?.name };
}

/** PATCH /config on the first member that takes it; a 409 (a concurrent change) is sent again. */
async function patchFromAny(restUrls: readonly string[], patch: Record<string, unknown>): Promise<void> {
  const errors: string[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    for (const url of restUrls) {
      try {
        await patchDynamicConfig(url, patch);
        return;
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new PatroniRestError(`No Patroni member took PATCH /config: ${errors.join('; ')}`);
}

/**
 * Sets the synchronous mode of the running cluster and waits until the leader applies it: for `on` and `strict`,
 * until /cluster lists a `sync_standby` and the leader's pg_stat_replication shows that member in sync; for `off`,
 * until no member is listed as one and the leader's synchronous_standby_names is empty. Idempotent: with the mode
 * already set it only waits (e.g. for a new sync standby after a leader change).
 */
export async function applySynchronousMode(
  cfg: HaConfig,
  restUrls: readonly string[],
  mode: SynchronousMode,
  options: { readonly timeoutMs?: number; readonly log?: (line: string) => void } = {},
): Promise<SynchronousState> {
  const current = synchronousModeOf(await dynamicConfigFromAny(restUrls));
  if (current !== mode) {
    options.log?.(`synchronous mode ${current} -> ${mode} (PATCH /config)`);
    await patchFromAny(restUrls, synchronousModePatch(mode));
  }
  return waitFor<SynchronousState>(
    mode === 'off' ? 'the leader to stop waiting for a sync standby' : 'Patroni to name a sync standby',
    async () => {
      const cluster = await fetchClusterFromAny(restUrls);
      const leader = cluster.members.find((m) => m.role === 'leader' && m.state === 'running');
      if (!leader?.host || !leader.port)
        return { done: false, seen: `no running leader (${describeMembers(cluster)})` };
      const standby = syncStandbyOf(cluster);
      const pg = await syncReplicationState(cfg, leader.host, leader.port);
      const seen = `${describeMembers(cluster)}; leader's synchronous_standby_names '${pg.standbyNames}'`;
      if (mode === 'off') {
        return standby === undefined && pg.standbyNames.trim() === ''
          ? { done: true, value: { mode, syncStandby: undefined } }
          : { done: false, seen };
      }
      return standby && pg.syncStandbys.includes(standby.name)
        ? { done: true, value: { mode, syncStandby: standby.name } }
        : { done: false, seen };
    },
    {
      timeoutMs: options.timeoutMs ?? SYNCHRONOUS_MODE_TIMEOUT_MS,
      everyMs: 200,
      advice:
        mode === 'off'
          ? `Read ${cfg.dir}/ha*/patroni.log.`
          : `A sync standby needs a streaming replica without the nosync tag; read ${cfg.dir}/ha*/patroni.log.`,
    },
  );
}

/**
 * The member a switchover must go to. Asynchronous: `requested` (undefined lets Patroni pick any healthy replica).
 * Synchronous: Patroni only hands over to its sync standby, so that one (waiting, bounded, for Patroni to name one
 * after a recent leader change); a different `requested` member is refused with the reason.
 */
export async function switchoverCandidate(
  cfg: HaConfig,
  restUrls: readonly string[],
  requested?: string,
  timeoutMs = SYNCHRONOUS_MODE_TIMEOUT_MS,
): Promise<string | undefined> {
  const mode = synchronousModeOf(await dynamicConfigFromAny(restUrls));
  if (mode === 'off') return requested;
  const { syncStandby } = await applySynchronousMode(cfg, restUrls, mode, { timeoutMs });
  if (requested !== undefined && requested !== syncStandby) {
    throw new Error(
      `The HA cluster is in synchronous mode (${mode}): Patroni switches over only to its synchronous standby, ` +
        `${syncStandby}, and ${requested} is not it. Leave out the candidate, or turn synchronous mode off first ` +
        '(`npm run ha:synchronous -- off`).',
    );
  }
  return syncStandby;
}
