import { loadConfig } from '../../src/config';
import { queryOnce } from '../../src/db/pg-client';
import { compareLsn, parseLsn } from 'rwsplit';
import { readPrimaryWalPosition } from '../../src/replication/primary-wal-position';
import { INSERT_PROBE_ROW, ROW_IS_PRESENT } from '../../src/replication/queries';
import { ReplayTimeoutError, waitForReplay } from '../../src/replication/wait-for-replay';

const config = loadConfig();
const standby = config.replicaUrls[0]!;

/** A clock that only moves when the code under test sleeps: timeouts without waiting. */
function fakeTime() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

test('returns once the standby has replayed the LSN of a commit, and the row is then visible there', async () => {
  const [row] = await queryOnce<{ id: number }>(config.primaryUrl, INSERT_PROBE_ROW, ['wait-for-replay']);
  const { lsn } = await readPrimaryWalPosition(config.primaryUrl);
  const wait = await waitForReplay(standby, lsn, { name: 'standby1' });
  expect(wait).toMatchObject({ name: 'standby1', lsn });
  expect(wait.polls).toBeGreaterThanOrEqual(1);
  const [present] = await queryOnce<{ present: boolean }>(standby, ROW_IS_PRESENT, [row!.id]);
  expect(present!.present).toBe(true);
});

test('times out with an error naming the standby, the LSN wanted and the LSN reached', async () => {
  const time = fakeTime();
  const wanted = 'FFFFFFFF/0';
  const err = await waitForReplay(standby, wanted, { name: 'standby1', timeoutMs: 50, intervalMs: 10, ...time }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ReplayTimeoutError);
  const timeout = err as ReplayTimeoutError;
  expect(timeout.standby).toBe('standby1');
  expect(timeout.wantedLsn).toBe(wanted);
  expect(compareLsn(timeout.reachedLsn!, wanted)).toBe(-1);
  expect(timeout.message).toContain(
    `standby1 did not replay up to ${wanted} within 50 ms: it reached ${timeout.reachedLsn}`,
  );
  // It polled at the injected interval until the injected clock passed the timeout, and no longer.
  expect(time.sleeps).toEqual([10, 10, 10, 10, 10]);
  expect(() => parseLsn(timeout.reachedLsn!)).not.toThrow();
});

test('waiting on the primary is refused: it replays nothing', async () => {
  await expect(waitForReplay(config.primaryUrl, '0/0', { name: 'primary' })).rejects.toThrow(
    /primary is not a standby: pg_last_wal_replay_lsn\(\) is NULL/,
  );
});

test('an unreachable standby gives an error naming it and the LSN', async () => {
  const dead = standby.replace(/:\d+\//, ':1/');
  await expect(waitForReplay(dead, '0/10', { name: 'standby9' })).rejects.toThrow(
    /Could not reach standby9 to wait for it to replay 0\/10/,
  );
});
