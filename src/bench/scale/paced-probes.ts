// Commit-to-visible under load: a probe row committed every `everyMs`, each timed until the standby has replayed
// it. Probes are paced (not back to back) so they add little to the write rate being studied, and they run on
// two connections held throughout, so no connection is opened while measuring.
import { performance } from 'node:perf_hooks';
import { type PgTarget, withPg } from '../../db/pg-client';
import { INSERT_PROBE_ROW, WAL_INSERT_END_LSN } from '../../replication/queries';
import { pollUntilReplayed } from '../../replication/wait-for-replay';

export interface PacedProbeOptions {
  readonly primary: PgTarget;
  readonly standby: PgTarget;
  /** The standby's name in messages. Default `standby1`. */
  readonly standbyName?: string;
  /** Keep probing for this long, in ms. */
  readonly durationMs: number;
  /** One probe starts every this many ms (or right after the last one, if it took longer). Default 50. */
  readonly everyMs?: number;
  /** How long one probe may wait for the standby, in ms. Default 30000. */
  readonly timeoutMs?: number;
}

/** Runs probes for `durationMs` and returns each one's commit-to-visible time in ms (at least one probe). */
export async function pacedCommitToVisible(options: PacedProbeOptions): Promise<number[]> {
  const everyMs = options.everyMs ?? 50;
  const name = options.standbyName ?? 'standby1';
  return withPg(options.primary, (primary) =>
    withPg(options.standby, async (standby) => {
      const samples: number[] = [];
      const started = performance.now();
      do {
        const probeStarted = performance.now();
        await primary.query(INSERT_PROBE_ROW, ['scale study commit-to-visible probe']);
        const committed = performance.now();
        const lsn = (await primary.query<{ lsn: string }>(WAL_INSERT_END_LSN)).rows[0]?.lsn;
        if (lsn === undefined) throw new Error('WAL_INSERT_END_LSN returned no row.');
        await pollUntilReplayed(standby, lsn, { name, intervalMs: 0, timeoutMs: options.timeoutMs ?? 30_000 });
        samples.push(performance.now() - committed);
        const wait = everyMs - (performance.now() - probeStarted);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      } while (performance.now() - started < options.durationMs);
      return samples;
    }),
  );
}
