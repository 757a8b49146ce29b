// remote_apply only promises fresh reads on the standbys the primary waits for. For the remote_apply mode the
// bench therefore makes *every* streaming standby synchronous (ANY n of n) for the length of that mode, unless
// the primary already says so, and puts synchronous_standby_names back afterwards.
import { withPg, queryOnce } from '../../db/pg-client';
import { INSERT_PROBE_ROW, ROW_IS_PRESENT } from '../../replication/queries';
import { SYNC_STANDBY_STATE } from 'rwsplit';
import { ALL_STANDBYS_SYNCHRONOUS, SYNCHRONOUS_STANDBY_COUNT } from './admin-sql';
import type { AdminAccess, BenchNodes } from './bench-nodes';
import type { RestoreLedger } from './restore-ledger';
import { applySetting, saveSetting } from './system-setting';

const SYNCHRONOUS_STANDBY_NAMES = 'synchronous_standby_names';
/** Probe commits tried before giving up on remote_apply taking effect. */
const PROBE_ATTEMPTS = 50;

export interface SynchronousSetup {
  /** The value remote_apply ran under. */
  readonly names: string;
  /** The value before (equal to `names` when nothing had to change). */
  readonly before: string;
  /** Puts the old value back (a no-op when nothing changed). */
  undo(): Promise<void>;
}

async function waitForSynchronous(access: AdminAccess, primary: string, standbys: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const rows = await queryOnce<{ synchronous: number }>(access.admin(primary), SYNCHRONOUS_STANDBY_COUNT);
    if ((rows[0]?.synchronous ?? 0) >= standbys) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`The primary did not list ${standbys} synchronous standbys within 10 s of the reload.`);
}

/**
 * A reload reaches the processes that decide whether a commit waits a moment later than new sessions: commit
 * probe rows with remote_apply until one is visible on every standby the moment its commit returns.
 */
async function confirmRemoteApply(nodes: BenchNodes): Promise<void> {
  for (let attempt = 1; attempt <= PROBE_ATTEMPTS; attempt++) {
    const id = await withPg(nodes.primary.url, async (c) => {
      await c.query('SET synchronous_commit = remote_apply');
      return (await c.query<{ id: number }>(INSERT_PROBE_ROW, ['bench-consistency remote_apply probe'])).rows[0]!.id;
    });
    const seen = await Promise.all(
      nodes.standbys.map(async (s) => (await queryOnce<{ present: boolean }>(s.url, ROW_IS_PRESENT, [id]))[0]?.present),
    );
    if (seen.every(Boolean)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(
    `remote_apply commits still returned before every standby showed them after ${PROBE_ATTEMPTS} probes; ` +
      'look at synchronous_standby_names and pg_stat_replication.sync_state on the primary.',
  );
}

/** Makes every streaming standby synchronous (through the ledger) and confirms remote_apply waits for all. */
export async function makeAllStandbysSynchronous(
  nodes: BenchNodes,
  access: AdminAccess,
  ledger: RestoreLedger,
): Promise<SynchronousSetup> {
  const target = access.admin(nodes.primary.name);
  const wanted = (await queryOnce<{ names: string; standbys: number }>(target, ALL_STANDBYS_SYNCHRONOUS))[0];
  if (!wanted || wanted.standbys < nodes.standbys.length) {
    throw new Error(
      `Only ${wanted?.standbys ?? 0} of ${nodes.standbys.length} standbys stream from the primary, so remote_apply ` +
        'cannot cover every standby a read may go to. Bring them back (`npm run cluster:up`) and run again.',
    );
  }
  const saved = await saveSetting(target, SYNCHRONOUS_STANDBY_NAMES);
  const action = { kind: 'setting' as const, node: nodes.primary.name, saved };
  if (saved.effective !== wanted.names) {
    await ledger.apply(action, () => applySetting(target, SYNCHRONOUS_STANDBY_NAMES, wanted.names));
  }
  await waitForSynchronous(access, nodes.primary.name, wanted.standbys);
  await confirmRemoteApply(nodes);
  return {
    names: wanted.names,
    before: saved.effective,
    undo: async () => {
      if (saved.effective !== wanted.names) await ledger.undo(action);
    },
  };
}

/** Without injection: the primary's own setting, or null when it names no synchronous standby. */
export async function existingSynchronousStandbys(primaryUrl: string): Promise<string | null> {
  const rows = await queryOnce<{ names: string; connected: number }>(primaryUrl, SYNC_STANDBY_STATE);
  const names = rows[0]?.names.trim() ?? '';
  return names === '' ? null : names;
}
