// Roles, lag and eligibility from a round of probes (pure: probes are given, not queried).
import { ineligibility as libraryIneligibility } from 'rwsplit';
import { deriveClusterCheck } from '../../src/monitor/check-cluster';
import type { NodeProbe } from '../../src/monitor/node-probe';

const limits = { maxLagMs: 1000, maxLagBytes: 1_000_000 };
/** The library's routing rule, which the monitor uses, from the figures a probe gives. */
const ineligibility = (reachable: boolean, inRecovery: boolean | null, lagMs: number | null, lagBytes: number | null) =>
  libraryIneligibility({ reachable, inRecovery: inRecovery === true, lagMs, lagBytes }, limits);
type Probe = NodeProbe & { expectedRole: 'primary' | 'standby' };

/** A probe as probeNode returns it, from the few figures a test cares about. */
interface Figures {
  expectedRole?: 'primary' | 'standby';
  inRecovery?: boolean;
  lsn?: string | null;
  receiveLsn?: string | null;
  replayPaused?: boolean;
  secondsSinceLastReplay?: number | null;
  receiverStatus?: string | null;
}

const up = (name: string, f: Figures): Probe => {
  const inRecovery = f.inRecovery ?? true;
  return {
    name,
    address: `127.0.0.1:${name.length}`,
    expectedRole: f.expectedRole ?? 'standby',
    reachable: true,
    error: null,
    standby: {
      inRecovery,
      receiveLsn: inRecovery ? (f.receiveLsn ?? null) : null,
      replayLsn: inRecovery ? (f.lsn ?? null) : null,
      lastReplayAt: null,
      replayPaused: f.replayPaused ?? false,
      secondsSinceLastReplay: f.secondsSinceLastReplay ?? null,
    },
    wal: inRecovery || !f.lsn ? null : { lsn: f.lsn, walFile: '000000010000000000000001' },
    activity: { receiverStatus: f.receiverStatus === undefined ? 'streaming' : f.receiverStatus, xactCommit: 10 },
  };
};
const down = (name: string, expectedRole: 'primary' | 'standby'): Probe => ({
  ...up(name, {}),
  expectedRole,
  reachable: false,
  error: 'connect ECONNREFUSED',
  standby: null,
  wal: null,
  activity: null,
});
const primary = up('primary', { expectedRole: 'primary', inRecovery: false, lsn: '1/00000100', receiverStatus: null });

test('byte lag against the primary; time lag is 0 when nothing is missing, else the age of the last replay', () => {
  const check = deriveClusterCheck(
    5,
    [
      primary,
      up('standby1', { lsn: '1/00000100', secondsSinceLastReplay: 30 }),
      up('standby2', { lsn: '0/FFFFFF00', secondsSinceLastReplay: 0.25 }),
    ],
    limits,
  );
  expect(check).toMatchObject({ at: 5, primary: 'primary', primaryLsn: '1/00000100' });
  const [p, s1, s2] = check.nodes;
  expect(p).toMatchObject({ role: 'primary', state: 'read-write', lagBytes: null, eligible: null });
  expect(s1).toMatchObject({ role: 'standby', state: 'streaming', lagBytes: 0, lagMs: 0, eligible: true });
  expect(s2).toMatchObject({ lagBytes: 0x200, lagMs: 250, eligible: true });
});

test('eligible when lag time OR lag bytes is within its limit', () => {
  expect(ineligibility(true, true, 5000, 10)).toBeNull();
  expect(ineligibility(true, true, 10, 5e9)).toBeNull();
  expect(ineligibility(true, true, 5000, 5e9)).toBe('lagging');
  expect(ineligibility(true, true, null, null)).toBe('lagging');
  expect(ineligibility(true, false, 0, 0)).toBe('not_in_recovery');
  expect(ineligibility(false, null, null, null)).toBe('unreachable');
});

test('a standby far behind is ineligible; a paused one says so', () => {
  const check = deriveClusterCheck(
    0,
    [primary, up('standby1', { lsn: '0/00000100', secondsSinceLastReplay: 60, replayPaused: true })],
    limits,
  );
  expect(check.nodes[1]).toMatchObject({
    state: 'replay paused',
    lagMs: 60_000,
    eligible: false,
    ineligibleReason: 'lagging',
  });
});

test('down nodes: a standby is ineligible (unreachable); a down configured primary has no eligibility', () => {
  const check = deriveClusterCheck(
    0,
    [
      down('primary', 'primary'),
      down('standby1', 'standby'),
      up('standby2', { lsn: '0/300', receiveLsn: '0/300', secondsSinceLastReplay: 99 }),
    ],
    limits,
  );
  expect(check.primary).toBeNull();
  expect(check.nodes[0]).toMatchObject({ role: 'down', state: 'down', eligible: null, ineligibleReason: null });
  expect(check.nodes[1]).toMatchObject({ role: 'down', eligible: false, ineligibleReason: 'unreachable', lagMs: null });
  // With the primary unknown, a standby that replayed all it received counts as caught up (byte lag unknown).
  expect(check.nodes[2]).toMatchObject({ role: 'standby', lagBytes: null, lagMs: 0, eligible: true });
});

test('after a failover the node answering read-write is the primary, whatever its name', () => {
  const check = deriveClusterCheck(
    0,
    [
      down('primary', 'primary'),
      up('standby1', { inRecovery: false, lsn: '0/500', receiverStatus: null }),
      up('standby2', { lsn: '0/500' }),
    ],
    limits,
  );
  expect(check.primary).toBe('standby1');
  expect(check.nodes[1]).toMatchObject({ role: 'primary', eligible: null });
  expect(check.nodes[2]).toMatchObject({ lagBytes: 0, eligible: true });
});
