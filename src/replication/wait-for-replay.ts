// Waiting until a standby has replayed up to an LSN: the exact test for "this standby shows that commit".
import { performance } from 'node:perf_hooks';
import { isConnectionError } from 'rwsplit';
import { type PgTarget, withPg } from '../db/pg-client';
import { REPLAYED_UP_TO, REPLICA_REPLAY_LSN } from './queries';
import type { LsnText } from 'rwsplit';

/** What we use of a pg client: one query at a time. */
export interface Queryable {
  query<R extends object>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

export interface WaitForReplayOptions {
  /** The standby's name in messages, e.g. `standby1`. Default `the standby`. */
  readonly name?: string;
  /** Give up after this many ms. Default 10000. */
  readonly timeoutMs?: number;
  /** Pause between polls, in ms; 0 polls back to back. Default 2 (a poll is one round trip of a tiny query). */
  readonly intervalMs?: number;
  /** Clock in ms; injectable for tests. Default performance.now. */
  readonly now?: () => number;
  /** How to wait between polls; injectable for tests. Default setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface ReplayWait {
  readonly name: string;
  readonly lsn: LsnText;
  /** Time from the first poll until the standby reported the LSN replayed, by the injected clock. */
  readonly elapsedMs: number;
  /** How many polls it took (1 when it had already replayed). */
  readonly polls: number;
}

/** The standby did not replay the LSN in time. Carries what it wanted and what the standby had reached. */
export class ReplayTimeoutError extends Error {
  override readonly name = 'ReplayTimeoutError';
  constructor(
    readonly standby: string,
    readonly wantedLsn: LsnText,
    readonly reachedLsn: LsnText | null,
    readonly timeoutMs: number,
  ) {
    super(
      `${standby} did not replay up to ${wantedLsn} within ${timeoutMs} ms: it reached ${reachedLsn ?? 'nothing (no replay LSN)'}. ` +
        'Is its replay paused (SELECT pg_is_wal_replay_paused()) or is it disconnected (`npm run cluster:status`)?',
    );
  }
}

export const DEFAULT_REPLAY_TIMEOUT_MS = 10_000;
export const DEFAULT_REPLAY_INTERVAL_MS = 2;

// 0 ms polls back to back (setImmediate), since setTimeout(0) waits about 1 ms and would quantise measurements.
const realSleep = (ms: number) =>
  new Promise<void>((resolve) => (ms <= 0 ? setImmediate(resolve) : setTimeout(resolve, ms)));

/** Polls REPLAYED_UP_TO on an open connection until the standby has replayed `lsn`, or throws on timeout. */
export async function pollUntilReplayed(
  client: Queryable,
  lsn: LsnText,
  options: WaitForReplayOptions = {},
): Promise<ReplayWait> {
  const name = options.name ?? 'the standby';
  const timeoutMs = options.timeoutMs ?? DEFAULT_REPLAY_TIMEOUT_MS;
  const intervalMs = options.intervalMs ?? DEFAULT_REPLAY_INTERVAL_MS;
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? realSleep;
  const start = now();
  for (let polls = 1; ; polls++) {
    const { rows } = await client.query<{ caught_up: boolean | null }>(REPLAYED_UP_TO, [lsn]);
    const caughtUp = rows[0]?.caught_up ?? null;
    if (caughtUp === null) {
      throw new Error(
        `${name} is not a standby: pg_last_wal_replay_lsn() is NULL there, so it replays nothing. ` +
          'Wait on a standby, or check REPLICA_URLS.',
      );
    }
    if (caughtUp) return Object.freeze({ name, lsn, elapsedMs: now() - start, polls });
    if (now() - start >= timeoutMs) {
      const reached = await client.query<{ lsn: string | null }>(REPLICA_REPLAY_LSN);
      throw new ReplayTimeoutError(name, lsn, reached.rows[0]?.lsn ?? null, timeoutMs);
    }
    await sleep(intervalMs);
  }
}

/**
 * Waits on a short-lived connection of its own until `standby` has replayed `lsn`.
 * @example await waitForReplay(config.replicaUrls[0], (await readPrimaryWalPosition(primaryUrl)).lsn, { name: 'standby1' })
 */
export async function waitForReplay(
  standby: PgTarget,
  lsn: LsnText,
  options: WaitForReplayOptions = {},
): Promise<ReplayWait> {
  try {
    return await withPg(standby, (client) => pollUntilReplayed(client, lsn, options));
  } catch (cause) {
    if (!isConnectionError(cause)) throw cause;
    const name = options.name ?? 'the standby';
    throw new Error(`Could not reach ${name} to wait for it to replay ${lsn}. Is it up (\`npm run check\`)?`, {
      cause,
    });
  }
}
