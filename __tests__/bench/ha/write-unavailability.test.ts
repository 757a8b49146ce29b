// The bench's arithmetic on synthetic attempts (no cluster): the write-unavailability window and the targets.
import { checkHaTargets } from '../../../src/bench/ha/ha-targets';
import type { WriteAttempt } from '../../../src/bench/ha/write-read-workload';
import { writeUnavailability } from '../../../src/bench/ha/write-unavailability';

const ok = (startedAt: number, endedAt: number): WriteAttempt => ({
  value: `v${startedAt}`,
  startedAt,
  endedAt,
  failure: null,
});
const failed = (startedAt: number, endedAt: number): WriteAttempt => ({
  value: `v${startedAt}`,
  startedAt,
  endedAt,
  failure: { kind: 'typed', code: 'RWSPLIT_NO_PRIMARY', message: 'no primary' },
});

test('no failed write: a window of 0, and the longest gap between acknowledgements', () => {
  expect(writeUnavailability([ok(0, 10), ok(10, 20), ok(20, 95)])).toEqual({
    firstFailureAt: null,
    recoveredAt: null,
    windowMs: 0,
    failuresAfterRecovery: 0,
    longestAckGapMs: 75,
  });
});

test('from the first failed write sent to the first acknowledgement of a write sent after it', () => {
  // Out of order on purpose: attempts from several workers interleave.
  const u = writeUnavailability([
    ok(0, 10),
    failed(120, 130),
    failed(100, 125),
    // In flight before the first failure: it may have committed on the old leader, so it proves nothing.
    ok(90, 128),
    // Sent after the first failure and acknowledged after it came back (e.g. retried on the new primary).
    ok(110, 200),
    ok(210, 220),
    failed(250, 260),
  ]);
  expect(u).toMatchObject({ firstFailureAt: 100, recoveredAt: 200, windowMs: 100, failuresAfterRecovery: 1 });
});

test('writes that never resume give no window', () => {
  expect(writeUnavailability([ok(0, 10), failed(20, 30), failed(40, 50)]).windowMs).toBeNull();
});

test('targets: 0 reads failed, 0 writes lost, unavailability within Patroni + 500 ms', () => {
  const checks = checkHaTargets({
    readsFailed: 0,
    writesLost: 1,
    writeUnavailabilityMs: 2600,
    patroniLeaderChangeMs: 2000,
  });
  expect(checks.map((c) => [c.name, c.met])).toEqual([
    ['reads failed', true],
    ['writes lost', false],
    ['write unavailability', false],
  ]);
  expect(
    checkHaTargets({ readsFailed: 0, writesLost: 0, writeUnavailabilityMs: 2500, patroniLeaderChangeMs: 2000 })[2]?.met,
  ).toBe(true);
  expect(
    checkHaTargets({ readsFailed: 0, writesLost: 0, writeUnavailabilityMs: null, patroniLeaderChangeMs: 2000 })[2]?.met,
  ).toBe(false);
});
