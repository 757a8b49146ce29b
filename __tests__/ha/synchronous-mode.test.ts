// Patroni's synchronous mode as the HA tooling reads and writes it in the dynamic configuration (no cluster).
import {
  syncStandbyOf,
  synchronousModeOf,
  synchronousModePatch,
  SYNCHRONOUS_MODES,
} from '../../src/ha/synchronous-mode';

test('the mode a dynamic configuration describes', () => {
  expect(synchronousModeOf({})).toBe('off');
  expect(synchronousModeOf({ synchronous_mode: false, synchronous_mode_strict: true })).toBe('off');
  expect(synchronousModeOf({ synchronous_mode: true })).toBe('on');
  expect(synchronousModeOf({ synchronous_mode: true, synchronous_mode_strict: false })).toBe('on');
  expect(synchronousModeOf({ synchronous_mode: true, synchronous_mode_strict: true })).toBe('strict');
});

test('the PATCH /config body of each mode, which reads back as that mode', () => {
  expect(synchronousModePatch('off')).toEqual({ synchronous_mode: false, synchronous_mode_strict: false });
  expect(synchronousModePatch('on')).toEqual({ synchronous_mode: true, synchronous_mode_strict: false });
  expect(synchronousModePatch('strict')).toEqual({ synchronous_mode: true, synchronous_mode_strict: true });
  for (const mode of SYNCHRONOUS_MODES) expect(synchronousModeOf(synchronousModePatch(mode))).toBe(mode);
});

test('the sync standby is the member /cluster lists with role sync_standby', () => {
  const member = (name: string, role: string) => ({ name, role, state: 'running' });
  expect(syncStandbyOf({ members: [member('ha1', 'leader'), member('ha2', 'replica')] })).toBeUndefined();
  expect(
    syncStandbyOf({ members: [member('ha1', 'leader'), member('ha2', 'replica'), member('ha3', 'sync_standby')] })
      ?.name,
  ).toBe('ha3');
});
