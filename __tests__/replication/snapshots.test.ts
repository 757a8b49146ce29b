// The typed snapshots, read from the real cluster.
import { loadConfig } from '../../src/config';
import { queryOnce } from '../../src/db/pg-client';
import { compareLsn, parseLsn } from 'rwsplit';
import { readPrimaryWalPosition } from '../../src/replication/primary-wal-position';
import { INSERT_PROBE_ROW } from '../../src/replication/queries';
import { readReplicationStatus } from '../../src/replication/replication-status';
import { readStandbyStatus } from '../../src/replication/standby-status';
import { waitForReplay } from '../../src/replication/wait-for-replay';

const config = loadConfig();
const standbyUrls = config.replicaUrls;

test('pg_stat_replication lists every standby, streaming, with parseable LSNs and byte lag', async () => {
  await queryOnce(config.primaryUrl, INSERT_PROBE_ROW, ['snapshot test']);
  const rows = await readReplicationStatus(config.primaryUrl);
  expect(rows.map((r) => r.applicationName).sort()).toEqual(standbyUrls.map((_, i) => `standby${i + 1}`));
  for (const r of rows) {
    expect(r.state).toBe('streaming');
    expect(r.syncState).toMatch(/^(async|sync|potential|quorum)$/);
    for (const lsn of [r.sentLsn, r.writeLsn, r.flushLsn, r.replayLsn]) expect(() => parseLsn(lsn!)).not.toThrow();
    // WAL is sent before it is written, written before flushed, flushed before replayed.
    expect(compareLsn(r.sentLsn!, r.writeLsn!)).toBeGreaterThanOrEqual(0);
    expect(compareLsn(r.flushLsn!, r.replayLsn!)).toBeGreaterThanOrEqual(0);
    expect(typeof r.replayLagBytes).toBe('number');
    expect(r.replayLagBytes).toBeGreaterThanOrEqual(0);
    for (const lag of [r.writeLagSeconds, r.flushLagSeconds, r.replayLagSeconds]) {
      if (lag !== null) expect(lag).toBeGreaterThanOrEqual(0);
    }
  }
});

test("the primary's WAL position names its WAL segment file", async () => {
  const before = await readPrimaryWalPosition(config.primaryUrl);
  await queryOnce(config.primaryUrl, INSERT_PROBE_ROW, ['snapshot test']);
  const after = await readPrimaryWalPosition(config.primaryUrl);
  expect(before.walFile).toMatch(/^[0-9A-F]{24}$/);
  expect(compareLsn(after.lsn, before.lsn)).toBe(1);
});

test('asking a standby for the primary WAL position fails with a message saying what to check', async () => {
  await expect(readPrimaryWalPosition(standbyUrls[0]!)).rejects.toThrow(/points at the primary, not a standby/);
});

test('a standby reports recovery, receive/replay LSNs and not paused; once synced it has replayed the primary LSN', async () => {
  const { lsn } = await readPrimaryWalPosition(config.primaryUrl);
  await waitForReplay(standbyUrls[0]!, lsn, { name: 'standby1' });
  const s = await readStandbyStatus(standbyUrls[0]!, 'standby1');
  expect(s.inRecovery).toBe(true);
  expect(s.replayPaused).toBe(false);
  expect(compareLsn(s.replayLsn!, lsn)).toBeGreaterThanOrEqual(0);
  expect(compareLsn(s.receiveLsn!, s.replayLsn!)).toBeGreaterThanOrEqual(0);
  expect(s.lastReplayAt).toBeInstanceOf(Date);
  expect(s.secondsSinceLastReplay).toEqual(expect.any(Number));
});

test('on the primary the standby snapshot says "not in recovery" instead of failing', async () => {
  const s = await readStandbyStatus(config.primaryUrl, 'primary');
  expect(s).toEqual({
    inRecovery: false,
    receiveLsn: null,
    replayLsn: null,
    lastReplayAt: null,
    replayPaused: false,
    secondsSinceLastReplay: null,
  });
});

test('an unreachable node gives an error naming it', async () => {
  const dead = standbyUrls[0]!.replace(/:\d+\//, ':1/');
  await expect(readStandbyStatus(dead, 'standby9')).rejects.toThrow(/standby status of standby9/);
  await expect(readReplicationStatus(dead)).rejects.toThrow(/pg_stat_replication/);
});
