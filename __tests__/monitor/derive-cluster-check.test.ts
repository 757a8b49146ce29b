// Roles, lag and eligibility from a round of probes and the library's health checks (pure: both are given, not
// queried). The figures and the eligibility rule are the library's; the monitor only names roles and states.
import { ineligibility as libraryIneligibility } from 'rwsplit';
import { type CheckedProbe, type StandbyHealth, deriveClusterCheck } from '../../src/monitor/check-cluster';

const limits = { maxLagMs: 1000, maxLagBytes: 1_000_000 };
/** The library's routing rule, which the monitor uses, from the figures a health check gives. */
const ineligibility = (reachable: boolean, inRecovery: boolean, lagMs: number | null, lagBytes: number | null) =>
  libraryIneligibility({ reachable, inRecovery, lagMs, lagBytes }, limits);

/** A probe as probeNode returns it, and the library's check, from the few figures a test cares about. */
interface Figures {
  expectedRole?: 'primary' | 'standby';
  inRecovery?: boolean;
  lsn?: string | null;
  replayPaused?: boolean;
  receiverStatus?: string | null;
  /** The library's health check (standbys); default: caught up. */
  health?: Partial<StandbyHealth>;
}

const up = (name: string, f: Figures): CheckedProbe => {
  const inRecovery = f.inRecovery ?? true;
  return {
    name,
    address: `127.0.0.1:${name.length}`,
    expectedRole: f.expectedRole ?? 'standby',
    reachable: true,
    error: null,
    standby: {
      inRecovery,
      receiveLsn: inRecovery ? (f.lsn ?? null) : null,
      replayLsn: inRecovery ? (f.lsn ?? null) : null,
      lastReplayAt: null,
      replayPaused: f.replayPaused ?? false,
      secondsSinceLastReplay: null,
    },
    wal: inRecovery || !f.lsn ? null : { lsn: f.lsn, walFile: '000000010000000000000001' },
    activity: { receiverStatus: f.receiverStatus === undefined ? 'streaming' : f.receiverStatus, xactCommit: 10 },
    health: inRecovery ? { reachable: true, inRecovery: true, lagMs: 5, lagBytes: 0, ...f.health } : null,
  };
};
const down = (name: string, expectedRole: 'primary' | 'standby'): CheckedProbe => ({
  ...up(name, {}),
  expectedRole,
  reachable: false,
  error: 'connect ECONNREFUSED',
  standby: null,
  wal: null,
  activity: null,
  health: null,
});
const primary = up('primary', { expectedRole: 'primary', inRecovery: false, lsn: '1/00000100', receiverStatus: null });

test("lag is the library's health check; time lag is 0 when no byte is missing", () => {
  const check = deriveClusterCheck(
    5,
    [
      primary,
      up('standby1', { lsn: '1/00000100', health: { lagMs: 30_000, lagBytes: 0 } }),
      up('standby2', { lsn: '0/FFFFFF00', health: { lagMs: 250, lagBytes: 0x200 } }),
    ],
    limits,
  );
  expect(check).toMatchObject({ at: 5, primary: 'primary', primaryLsn: '1/00000100' });
  const [p, s1, s2] = check.nodes;
  expect(p).toMatchObject({ role: 'primary', state: 'read-write', lagBytes: null, eligible: null });
  expect(p!.healthChecked).toBe(false);
  expect(s1).toMatchObject({ role: 'standby', state: 'streaming', lagBytes: 0, lagMs: 0, eligible: true });
  expect(s1!.healthChecked).toBe(true);
  expect(s2).toMatchObject({ lagBytes: 0x200, lagMs: 250, eligible: true });
});

test('eligible when lag time OR lag bytes is within its limit', () => {
  expect(ineligibility(true, true, 5000, 10)).toBeNull();
  expect(ineligibility(true, true, 10, 5e9)).toBeNull();
  expect(ineligibility(true, true, 5000, 5e9)).toBe('lagging');
  expect(ineligibility(true, true, null, null)).toBe('lagging');
  expect(ineligibility(true, false, 0, 0)).toBe('not_in_recovery');
  expect(ineligibility(false, false, null, null)).toBe('unreachable');
});

test('a standby far behind is ineligible; a paused one says so', () => {
  const check = deriveClusterCheck(
    0,
    [primary, up('standby1', { lsn: '0/00000100', replayPaused: true, health: { lagMs: 60_000, lagBytes: 5e9 } })],
    limits,
  );
  expect(check.nodes[1]).toMatchObject({
    state: 'replay paused',
    lagMs: 60_000,
    eligible: false,
    ineligibleReason: 'lagging',
  });
});

test('a standby whose health check failed after its probe is ineligible (unreachable)', () => {
  const check = deriveClusterCheck(
    0,
    [
      primary,
      up('standby1', { lsn: '0/100', health: { reachable: false, inRecovery: false, lagMs: null, lagBytes: null } }),
    ],
    limits,
  );
  expect(check.nodes[1]).toMatchObject({ role: 'standby', eligible: false, ineligibleReason: 'unreachable' });
});

test('down nodes: a standby is ineligible (unreachable); a down configured primary has no eligibility', () => {
  const check = deriveClusterCheck(
    0,
    [down('primary', 'primary'), down('standby1', 'standby'), up('standby2', { lsn: '0/300' })],
    limits,
  );
  expect(check.primary).toBeNull();
  expect(check.nodes[0]).toMatchObject({ role: 'down', state: 'down', eligible: null, ineligibleReason: null });
  expect(check.nodes[1]).toMatchObject({ role: 'down', eligible: false, ineligibleReason: 'unreachable', lagMs: null });
  expect(check.nodes[1]!.healthChecked).toBe(false);
  // With the primary unknown, the library measures against the standby's own receive position: all replayed.
  expect(check.nodes[2]).toMatchObject({ role: 'standby', lagBytes: 0, lagMs: 0, eligible: true });
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
