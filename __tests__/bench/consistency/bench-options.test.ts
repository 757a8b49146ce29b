// The pure parts of the consistency bench: options, targets, the lag wording and the summary table.
import { resolveOptions } from '../../../src/bench/consistency/resolve-options';
import { checkTargets } from '../../../src/bench/consistency/bench-targets';
import {
  formatConsistencyMarkdown,
  formatConsistencyTable,
} from '../../../src/bench/consistency/format-consistency-table';
import { describeLag, pgDurationText } from '../../../src/bench/consistency/lag-injection';
import { modeResult, type ModeResult } from '../../../src/bench/consistency/mode-result';
import type { PairOutcome } from '../../../src/bench/consistency/run-pairs';
import type { ConsistencyBenchResult } from '../../../src/bench/consistency/run-consistency-bench';
import type { BenchMode } from '../../../src/bench/consistency/bench-options';
import type { LagKind } from '../../../src/bench/consistency/lag-injection';

const outcome = (o: Partial<PairOutcome>): PairOutcome => ({
  stale: false,
  node: '127.0.0.1:25631',
  role: 'replica',
  readMs: 1,
  writeMs: 2,
  fallback: null,
  error: null,
  attempts: 1,
  tries: [],
  readStartMs: 0,
  laterReads: [],
  nonMonotonic: false,
  ...o,
});

function result(scenario: LagKind, mode: BenchMode, outcomes: PairOutcome[]): ModeResult {
  return modeResult(
    { outcomes, wallMs: 1000, aborted: false },
    {
      scenario,
      lag: describeLag(scenario === 'pause' ? { kind: 'pause', pauseMs: 300, periodMs: 1000 } : { kind: 'none' }),
      mode,
      monotonicReads: true,
      sessionReads: 1,
      startMs: 0,
      backgroundWrites: 200,
      note: null,
      nameOf: (n) => (n === '127.0.0.1:25630' ? 'primary' : 'standby1'),
    },
  );
}

test('defaults: 10,000 pairs, no lag then paused replay, the four modes other than eventual-plain', () => {
  const o = resolveOptions({});
  expect(o).toMatchObject({ pairs: 10_000, concurrency: 16, writeRate: 200, inject: true, poolSize: 18 });
  // Baselines on by default, a few seconds in all.
  expect(o).toMatchObject({ baselineSeconds: 2, baselineOps: 5000, pgbench: null });
  expect(o.modes).toEqual(['eventual', 'read-your-writes', 'remote_apply', 'primary']);
  expect(o.scenarios).toEqual([{ kind: 'none' }, { kind: 'pause', pauseMs: 300, periodMs: 1000 }]);
  expect(resolveOptions({ inject: false }).scenarios).toEqual([{ kind: 'none' }]);
});

test('bad options are refused by name', () => {
  expect(() => resolveOptions({ pauseMs: 1000, periodMs: 1000 })).toThrow(/pauseMs \(1000\) must be shorter/);
  expect(() => resolveOptions({ pairs: 0 })).toThrow(/pairs must be a whole number ≥ 1/);
  expect(() => resolveOptions({ modes: ['sometimes' as BenchMode] })).toThrow(/Unknown mode "sometimes"/);
  expect(() => resolveOptions({ inject: false, scenarios: ['pause'] })).toThrow(/--no-inject/);
});

test('PostgreSQL spells durations with the largest exact unit', () => {
  expect([0, 200, 1000, 1500, 60_000, 7_200_000].map(pgDurationText)).toEqual([
    '0',
    '200ms',
    '1s',
    '1500ms',
    '1min',
    '2h',
  ]);
});

test('mode results: stale rate, replica share and reads per node come from the outcomes', () => {
  const r = result('none', 'read-your-writes', [
    outcome({}),
    outcome({ node: '127.0.0.1:25630', role: 'primary', fallback: 'not_caught_up' }),
    outcome({ stale: true }),
    outcome({}),
  ]);
  expect(r).toMatchObject({ pairs: 4, stale: 1, staleRate: 0.25, replicaReads: 3, replicaShare: 0.75 });
  expect(r.readsPerNode).toEqual({ standby1: 3, primary: 1 });
  expect(r.fallbacks).toEqual({ not_caught_up: 1 });
  expect(r.backgroundWritesPerSec).toBe(200);
});

test('targets: a stale read-your-writes read or too few replica reads is a miss', () => {
  const scenarios = resolveOptions({}).scenarios;
  const checks = checkTargets(
    [
      result('none', 'eventual', [...Array(9).fill(outcome({})), outcome({ role: 'primary' })]),
      result('pause', 'eventual', [
        ...Array(8).fill(outcome({ stale: true })),
        ...Array(2).fill(outcome({ role: 'primary' })),
      ]),
      result('pause', 'read-your-writes', [outcome({ stale: true }), outcome({ role: 'primary' })]),
      result('pause', 'primary', [outcome({ role: 'primary' })]),
    ],
    scenarios,
    1000,
  );
  expect(checks.map((c) => [c.name.split(':')[0], c.met, c.measured])).toEqual([
    ['none/eventual', true, '90.0%'],
    ['pause/eventual', false, '80.0%'],
    ['pause/read-your-writes', false, '1 of 2'],
    ['none', true, '0 of 10'],
    // read-your-writes against eventual (p50 1 ms each) and primary (2 pairs/s against 1) in the same scenario.
    ['pause', true, '1.00× (1.00 ms vs 1.00 ms)'],
    ['pause', true, '2.00× (2 vs 1)'],
    ['pause', true, '0 of 13'],
  ]);
  // Lag at or over maxLagMs: replicas may rightly be skipped, so there is no replica-share target.
  expect(
    checkTargets([result('pause', 'eventual', [outcome({ role: 'primary' })])], scenarios, 300).map((c) => c.name),
  ).toEqual(['pause: no read failed']);
});

test('the summary table and its Markdown twin', () => {
  const modes = [result('pause', 'remote_apply', [outcome({}), outcome({})])];
  const bench = {
    modes,
    routing: { maxLagMs: 1000, maxLagBytes: 1048576, readYourWritesWaitMs: 0 },
    options: resolveOptions({}),
    skipped: [{ scenario: 'none', mode: 'remote_apply', reason: 'no synchronous standby' }],
    targets: checkTargets(modes, resolveOptions({}).scenarios, 1000),
    aborted: false,
    baselines: {
      clients: 16,
      notRun: null,
      pgbench: {
        read: { status: 'ok', tool: 'pgbench', p50Ms: 0.5, opsPerSec: 9000, clients: 16, target: 'both standbys' },
        write: { status: 'unavailable', tool: 'pgbench', kind: 'failed', reason: 'pgbench failed: boom' },
      },
      rawPg: {
        read: { status: 'ok', tool: 'raw-pg', p50Ms: 0.25, opsPerSec: 5000, clients: 16, target: 'the standbys' },
        write: { status: 'ok', tool: 'raw-pg', p50Ms: 4, opsPerSec: 3000, clients: 16, target: 'the primary' },
      },
    },
  } as unknown as ConsistencyBenchResult;
  const table = formatConsistencyTable(bench);
  expect(table).toMatch(
    /│ pause\s+│ remote_apply\s+│ 2\s+│ 0\s+│ 0\.0%\s+│ —\s+│ 0\s+│ 100\.0%\s+│ 1\.00\s+│ 1\.00\s+│ 2\.00\s+│ 2\s+│ 200\s+│ 2\.00×, 4\.00×\s+│ —, 0\.50×\s+│/,
  );
  expect(table).toContain('pgbench read by id: p50 0.500 ms, 9000 ops/s, 16 clients, on both standbys');
  expect(table).toContain('pgbench insert: pgbench failed: boom');
  expect(table).toContain('pause: replay paused 300 ms of every 1000 ms');
  expect(table).toContain('none/remote_apply skipped: no synchronous standby');
  expect(table).toContain('✓ met: pause/remote_apply: 0 stale reads: 0 of 2');
  expect(table).toContain('failed reads: none');
  const md = formatConsistencyMarkdown(bench).split('\n');
  expect(md[0]).toBe(
    '| scenario | mode | pairs | stale | stale % | non-monotonic | failed | on replicas | read p50 ms | read p99 ms | write p50 ms | pairs/s | ' +
      'bg writes/s | read p50 ÷ pgbench, raw pg | write p50 ÷ pgbench, raw pg |',
  );
  expect(md[2]).toBe(
    '| pause | remote_apply | 2 | 0 | 0.0% | — | 0 | 100.0% | 1.00 | 1.00 | 2.00 | 2 | 200 | 2.00×, 4.00× | —, 0.50× |',
  );
});

test('fault options: defaults, and a schedule that restores before it freezes is refused', () => {
  expect(resolveOptions({ scenarios: ['fault'] }).scenarios).toEqual([
    {
      kind: 'fault',
      freezeAtMs: 1000,
      killAtMs: 2000,
      restoreAtMs: 5000,
      replicaReadTimeoutMs: 1000,
      checkTimeoutMs: 500,
      connectTimeoutMs: null,
    },
  ]);
  expect(() => resolveOptions({ scenarios: ['fault'], freezeAtMs: 3000, restoreAtMs: 3000 })).toThrow(
    /must come before restoreAtMs/,
  );
  expect(() => resolveOptions({ inject: false, scenarios: ['fault'] })).toThrow(/--no-inject/);
});

test('routing cost per read, read-your-writes ratios, and the reads during a fault, with their targets', () => {
  const scenarios = resolveOptions({ scenarios: ['none', 'fault'] }).scenarios;
  const timeline = {
    frozen: 'standby1',
    killed: 'standby2',
    frozenAtMs: 1000,
    killedAtMs: 2000,
    restoredAtMs: 5000,
    streamingAtMs: 5500,
  };
  const failure = {
    code: 'RWSPLIT_REPLICA_UNREACHABLE',
    message: 'The findUnique on replica 127.0.0.1:25632 failed (connection error) after one retry elsewhere',
    cause: 'P1001: cannot reach',
    node: '127.0.0.1:25632',
    atMs: 2500,
    tries: [
      { node: '127.0.0.1:25631', ok: false, durationMs: 1000 },
      { node: '127.0.0.1:25632', ok: false, durationMs: 2 },
    ],
  };
  const run = (
    scenario: LagKind,
    mode: BenchMode,
    outcomes: PairOutcome[],
    stats: { positionRequests: number; positionQueries: number; replayQueries: number },
  ) =>
    modeResult(
      { outcomes, wallMs: 1000, aborted: false },
      {
        scenario,
        lag: describeLag(scenarios.find((s) => s.kind === scenario)!),
        mode,
        monotonicReads: true,
        sessionReads: 1,
        startMs: 0,
        backgroundWrites: 0,
        note: null,
        nameOf: (n) => n,
        stats,
        ...(scenario === 'fault' ? { fault: { timeline, replicaReadTimeoutMs: 1000, readBoundMs: 2000 } } : {}),
      },
    );
  const modes = [
    run('none', 'eventual', Array(4).fill(outcome({})), { positionRequests: 0, positionQueries: 1, replayQueries: 0 }),
    run('none', 'read-your-writes', Array(4).fill(outcome({ readMs: 1.2 })), {
      positionRequests: 4,
      positionQueries: 1,
      replayQueries: 2,
    }),
    run('none', 'primary', Array(2).fill(outcome({ role: 'primary' })), {
      positionRequests: 0,
      positionQueries: 0,
      replayQueries: 0,
    }),
    run(
      'fault',
      'eventual',
      [
        outcome({ readStartMs: 10 }),
        outcome({
          readStartMs: 1500,
          readMs: 1900,
          attempts: 2,
          tries: [
            { node: 'standby1', role: 'replica', ok: false, durationMs: 1000.5 },
            { node: 'primary', role: 'primary', ok: true, durationMs: 899 },
          ],
        }),
        outcome({ readStartMs: 2500, readMs: 3, attempts: 2, error: failure }),
      ],
      { positionRequests: 0, positionQueries: 2, replayQueries: 0 },
    ),
  ];
  expect(modes[1]!.routingCost).toMatchObject({
    primaryRoundTripsPerRead: 0.25,
    primaryRoundTripsPerRywRead: 0.25,
    replayQueriesPerRead: 0.5,
  });
  expect(modes[0]!.routingCost!.primaryRoundTripsPerRywRead).toBeNull();
  const fault = modes[3]!;
  expect(fault).toMatchObject({ pairs: 3, failedReads: 1, errors: [failure], replicaReads: 2 });
  // The read before the freeze is not "during the fault".
  expect(fault.fault).toMatchObject({ reads: 2, failed: 1, stale: 0, retried: 2, readBoundMs: 2000 });
  expect(fault.fault!.read!.maxMs).toBe(1900);

  const checks = checkTargets(modes, scenarios, 1000, 16).map((c) => [c.name, c.met, c.measured]);
  expect(checks).toEqual(
    expect.arrayContaining([
      ['none: read-your-writes read p50 ≤ 1.3× eventual read p50', true, '1.20× (1.20 ms vs 1.00 ms)'],
      ['none: read-your-writes pairs/s ≥ primary-mode pairs/s', true, '2.00× (4 vs 2)'],
      [
        'none/read-your-writes: primary round trips per read ≤ 0.3 (at concurrency 16)',
        true,
        '0.250 (1 position queries for 4 reads after a write)',
      ],
      [
        'fault/eventual: no read waited longer than replicaReadTimeoutMs + one retry (2000 ms)',
        true,
        // p99 from an HDR histogram (3 significant digits).
        expect.stringMatching(/^max 1900\.00 ms, p99 190\d\.\d\d ms over the 2 reads during the fault$/),
      ],
      ['fault: no read failed', false, '1 of 3 (1 during the fault)'],
    ]),
  );
  // The fault scenario judges no replica share (a frozen standby's lag has no bound).
  expect(checks.some(([name]) => String(name).startsWith('fault/eventual: ≥'))).toBe(false);

  const bench = {
    modes,
    routing: { maxLagMs: 1000, maxLagBytes: 1048576, readYourWritesWaitMs: 0 },
    options: resolveOptions({ scenarios: ['none', 'fault'] }),
    skipped: [],
    targets: checkTargets(modes, scenarios, 1000, 16),
    aborted: false,
    baselines: { clients: 16, notRun: 'off', pgbench: null, rawPg: null },
  } as unknown as ConsistencyBenchResult;
  const table = formatConsistencyTable(bench);
  expect(table).toMatch(
    /│ none\s+│ read-your-writes\s+│ 4\s+│ 4\s+│ 1\s+│ 0\.250\s+│ 0\.250 \(met\)\s+│ 2\s+│ 0\.500\s+│/,
  );
  expect(table).toMatch(/│ none\s+│ 2\.00× \(met\)\s+│ 1\.20×\s+│ 1\.20× \(met\)\s+│/);
  expect(table).toMatch(
    /│ fault\s+│ eventual\s+│ 1\.0\s+│ 2\.0\s+│ 5\.0\s+│ 5\.5\s+│ 2\s+│ [\d.]+\s+│ [\d.]+\s+│ 1900\.00 \(met\)\s+│ 2000\s+│ 2\s+│ 1 \/ 1 \(NOT met\)\s+│ 0\s+│/,
  );
  expect(table).toContain(
    'fault/eventual: RWSPLIT_REPLICA_UNREACHABLE: The findUnique on replica 127.0.0.1:25632 failed (connection ' +
      'error) after one retry elsewhere (cause P1001: cannot reach); 127.0.0.1:25631 failed in 1000.0 ms, then ' +
      '127.0.0.1:25632 failed in 2.0 ms; started 1.50 s after the freeze, 0.50 s after the kill',
  );
  expect(table).toContain('✗ NOT met: fault: no read failed: 1 of 3 (1 during the fault)');
  expect(table).toContain(
    'fault/eventual slowest read during the fault: 1900.0 ms, started 0.50 s after the freeze: ' +
      'standby1 failed in 1000.5 ms, then primary answered in 899.0 ms',
  );
  const md = formatConsistencyMarkdown(bench);
  expect(md).toContain('| none | 2.00× (met) | 1.20× | 1.20× (met) |');
});
