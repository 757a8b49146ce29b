// bench:ha's held writes and per-mode figures on synthetic data (no cluster): write_held events counted by outcome
// with HDR percentiles of their wait, steady-state write latency per mode (interleaved windows or warm-ups), the
// write unavailability when writes are held rather than failed, and the tables' columns.
import { LatencyRecorder } from '../../../src/bench/common/latency-recorder';
import { EventLog } from '../../../src/bench/ha/event-log';
import { formatHaTable } from '../../../src/bench/ha/format-ha-table';
import {
  haScenarioResult,
  type HaScenarioResult,
  steadyWriteLatenciesMs,
} from '../../../src/bench/ha/ha-scenario-result';
import { heldWritesSummary } from '../../../src/bench/ha/held-writes';
import { interleavedOrder } from '../../../src/bench/ha/interleaved-write-latency';
import { modeSummary } from '../../../src/bench/ha/mode-summary';
import type { LeaderChangeRun } from '../../../src/bench/ha/run-leader-change';
import type { WriteAttempt } from '../../../src/bench/ha/write-read-workload';
import { writeUnavailability } from '../../../src/bench/ha/write-unavailability';

const held = (waitedMs: number, outcome: 'ran' | 'gave_up' | 'queue_full' = 'ran') => ({
  event: 'write_held',
  operation: 'User.create',
  waitedMs,
  outcome,
});

test('write_held events: counted by outcome, wait p50 / p99 from an HDR histogram; other events ignored', () => {
  const events = [
    ...Array.from({ length: 98 }, (_, i) => held(100 + i)),
    held(1500, 'gave_up'),
    held(0, 'queue_full'),
    { event: 'primary_changed', from: 'a', to: 'b' },
    { event: 'write_held', waitedMs: 'soon' },
  ];
  const summary = heldWritesSummary(events);
  expect(summary.count).toBe(100);
  expect(summary.byOutcome).toEqual({ ran: 98, gave_up: 1, queue_full: 1 });
  expect(summary.waitP50Ms).toBeCloseTo(148, 0);
  expect(summary.waitP99Ms).toBeCloseTo(197, 0);
  expect(summary.waitMaxMs).toBeCloseTo(1500, 0);
});

test('no write_held event (a router that does not hold, or does not emit it yet): 0 held, no percentiles', () => {
  expect(heldWritesSummary([{ event: 'primary_changed', from: 'a', to: 'b' }])).toEqual({
    count: 0,
    byOutcome: {},
    waitP50Ms: null,
    waitP99Ms: null,
    waitMaxMs: null,
  });
});

const attempt = (startedAt: number, endedAt: number, failed = false): WriteAttempt => ({
  value: `v${startedAt}`,
  startedAt,
  endedAt,
  failure: failed ? { kind: 'typed', code: 'RWSPLIT_NO_PRIMARY', message: 'no primary' } : null,
});

function result(over: Partial<HaScenarioResult>): HaScenarioResult {
  return {
    mode: 'async',
    kind: 'failover',
    from: 'ha1',
    to: 'ha2',
    toAddress: '127.0.0.1:15532',
    writeUnavailabilityMs: 1200,
    failedWriteWindowMs: 1200,
    patroniLeaderChangeMs: 1500,
    firstFailedWriteAtMs: 100,
    writesResumedAtMs: 1300,
    longestAckGapMs: 1300,
    failuresAfterRecovery: 0,
    writesAcknowledged: 500,
    writesLost: 0,
    lostWrites: [],
    writesOutcomeUnknown: 1,
    outcomeUnknownApplied: 0,
    failedWritesByCode: { RWSPLIT_WRITE_OUTCOME_UNKNOWN: 1, RWSPLIT_NO_PRIMARY: 3 },
    heldWrites: heldWritesSummary([]),
    steadyWriteLatency: null,
    rawErrors: 0,
    reads: 500,
    readsFailed: 0,
    readsFailedByCode: {},
    staleReads: 0,
    primaryFallbackReads: {},
    events: [],
    targets: [{ name: 'writes lost', target: '0', value: '0', met: true }],
    ...over,
  };
}

test("steady-state writes are those acknowledged before the action; a mode's figures sum its leader changes", () => {
  const writes = [attempt(0, 2), attempt(10, 14), attempt(20, 23, true), attempt(95, 120), attempt(130, 131)];
  expect(steadyWriteLatenciesMs(writes, 100)).toEqual([2, 4]);
  const sync = modeSummary('sync', [
    { writes, actionAt: 100, result: result({ mode: 'sync', kind: 'switchover', writesLost: 0 }) },
    {
      writes: [attempt(0, 6), attempt(10, 18)],
      actionAt: 100,
      result: result({ mode: 'sync', writesLost: 2, heldWrites: heldWritesSummary([held(10), held(20)]) }),
    },
  ]);
  expect(sync).toMatchObject({
    mode: 'sync',
    patroniSynchronousMode: 'on',
    leaderChanges: 2,
    writesAcknowledged: 1000,
    writesLost: 2,
    writesFailed: 8,
    writesHeld: 2,
    readsFailed: 0,
  });
  expect(sync.writeLatency?.samples).toBe(4);
  expect(sync.writeLatency?.p50Ms).toBeCloseTo(4, 2);
  expect(sync.writeLatency?.p99Ms).toBeCloseTo(8, 2);
  expect(modeSummary('async', [{ writes: [], actionAt: 0, result: result({}) }]).writeLatency).toBeNull();
});

test('the printed tables: modes side by side with the synchronous cost, and per leader change every column', () => {
  const async = modeSummary('async', [
    { writes: [attempt(0, 2), attempt(2, 4)], actionAt: 100, result: result({ writesLost: 1 }) },
  ]);
  const sync = modeSummary('sync', [
    { writes: [attempt(0, 4), attempt(4, 8)], actionAt: 100, result: result({ mode: 'sync' }) },
  ]);
  const withHeld = result({
    mode: 'sync',
    kind: 'switchover',
    heldWrites: heldWritesSummary([held(120), held(340, 'gave_up')]),
    readsFailed: 2,
    readsFailedByCode: { RWSPLIT_PRIMARY_UNREACHABLE: 2 },
  });
  const text = formatHaTable([result({}), withHeld], [async, sync]);
  for (const column of [
    'replication',
    'write p50',
    'write p99',
    'writes lost',
    'writes failed (by code)',
    'writes held',
    '(wait p50 / p99)',
    'reads failed (by code)',
    'write unavailability',
    "Patroni's leader change",
  ]) {
    expect(text).toContain(column);
  }
  expect(text).toContain('sync (synchronous_mode)');
  expect(text).toContain('2.00 ms'); // async p50
  expect(text).toContain('4.00 ms (2.00×)'); // sync p50 against async
  expect(text).toContain('2 (ran 1, gave_up 1)');
  expect(text).toContain('NO_PRIMARY 3');
  expect(text).toContain('PRIMARY_UNREACHABLE 2');
  expect(text).toContain('1200 ms');
  expect(text).toContain('1500 ms');
});

test('the modes take turns in ABBA order, so a trend of the machine weighs on each alike', () => {
  expect(interleavedOrder(['async', 'sync'], 3)).toEqual([
    ['async', 'sync'],
    ['sync', 'async'],
    ['async', 'sync'],
  ]);
  expect(interleavedOrder(['async', 'sync', 'strict'], 0)).toEqual([]);
});

test("a mode's write latency comes from the interleaved windows when they ran, else from the warm-ups", () => {
  const runs = [{ writes: [attempt(0, 100)], actionAt: 200, result: result({ mode: 'sync' }) }];
  const fromWindows = modeSummary('sync', runs, LatencyRecorder.of([3, 3, 3]));
  expect(fromWindows.writeLatencySource).toBe('interleaved');
  expect(fromWindows.writeLatency?.samples).toBe(3);
  expect(fromWindows.writeLatency?.p50Ms).toBeCloseTo(3, 2);
  const fromWarmUps = modeSummary('sync', runs, new LatencyRecorder());
  expect(fromWarmUps.writeLatencySource).toBe('warm-up');
  expect(fromWarmUps.writeLatency?.p50Ms).toBeCloseTo(100, 0);
});

test('writes held instead of failed: the write unavailability is the stall between acknowledgements', () => {
  const writes = [attempt(0, 5), attempt(2, 8), attempt(10, 1810), attempt(12, 1812), attempt(1815, 1820)];
  const acknowledged = writes.map((w) => w.value);
  const run: LeaderChangeRun = {
    kind: 'switchover',
    from: 'ha1',
    to: 'ha2',
    toAddress: '127.0.0.1:15532',
    actionAt: 9,
    patroniLeaderChangeMs: 1200,
    unavailability: writeUnavailability(writes),
    workload: {
      writes,
      acknowledged,
      outcomeUnknown: [],
      failedWrites: [],
      reads: 5,
      staleReads: [],
      failedReads: [],
    },
    lostWrites: [],
    outcomeUnknownApplied: 0,
    primaryAfter: '127.0.0.1:15532',
  };
  const events = new EventLog();
  events.listener({ event: 'write_held', operation: 'create', waitedMs: 1790, outcome: 'ran' });
  events.listener({ event: 'write_held', operation: 'create', waitedMs: 1795, outcome: 'ran' });
  const r = haScenarioResult('sync', run, events, 0);
  expect(r.failedWriteWindowMs).toBe(0);
  expect(r.writeUnavailabilityMs).toBe(1802);
  expect(r.heldWrites).toMatchObject({ count: 2, byOutcome: { ran: 2 } });
  expect(r.events).toEqual([]);
  // Checked against Patroni's 1200 ms + 500: a stall the failure window alone would have called 0 ms.
  expect(r.targets.find((t) => t.name === 'write unavailability')?.met).toBe(false);
});
