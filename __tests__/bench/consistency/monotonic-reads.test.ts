// The pure parts of monotonic reads in the consistency bench: telling a non-monotonic session, counting them per
// mode, the later reads' latency, the target, eventual against eventual-plain, the options and the split scenario.
import { DEFAULT_MODES, type BenchMode } from '../../../src/bench/consistency/bench-options';
import { resolveOptions } from '../../../src/bench/consistency/resolve-options';
import { checkTargets } from '../../../src/bench/consistency/bench-targets';
import { extraTables } from '../../../src/bench/consistency/consistency-tables';
import { modeSentence } from '../../../src/bench/consistency/consistency-report';
import { formatConsistencyTable } from '../../../src/bench/consistency/format-consistency-table';
import { isNonMonotonic } from '../../../src/bench/consistency/is-non-monotonic';
import { describeLag, injectedLagMs, SPLIT_ROUTING, type LagKind } from '../../../src/bench/consistency/lag-injection';
import { modeResult, type ModeResult } from '../../../src/bench/consistency/mode-result';
import { monotonicCost } from '../../../src/bench/consistency/monotonic-cost';
import type { LaterRead, PairOutcome } from '../../../src/bench/consistency/run-pairs';
import type { ConsistencyBenchResult } from '../../../src/bench/consistency/run-consistency-bench';

const later = (seen: LaterRead['seen'], readMs = 2): LaterRead => ({
  seen,
  readMs,
  error:
    seen === 'failed' ? { code: 'P1001', message: 'cannot reach', cause: null, node: null, atMs: 0, tries: [] } : null,
});

/** A session whose read-back returned `first`, then the later reads. */
function session(first: 'found' | 'missing', ...rest: LaterRead[]): PairOutcome {
  return {
    stale: first === 'missing',
    node: '127.0.0.1:25631',
    role: 'replica',
    readMs: 1,
    writeMs: 2,
    fallback: null,
    error: null,
    attempts: 1,
    tries: [],
    readStartMs: 0,
    laterReads: rest,
    nonMonotonic: isNonMonotonic([first, ...rest.map((r) => r.seen)]),
  };
}

function result(
  scenario: LagKind,
  mode: BenchMode,
  outcomes: PairOutcome[],
  opts: { monotonicReads?: boolean; sessionReads?: number; wallMs?: number } = {},
): ModeResult {
  return modeResult(
    { outcomes, wallMs: opts.wallMs ?? 1000, aborted: false },
    {
      scenario,
      lag: describeLag(scenario === 'split' ? { kind: 'split' } : { kind: 'none' }),
      mode,
      monotonicReads: opts.monotonicReads ?? mode !== 'eventual-plain',
      sessionReads: opts.sessionReads ?? 3,
      startMs: 0,
      backgroundWrites: 0,
      note: null,
      nameOf: (n) => n,
      stats: { positionRequests: 0, positionQueries: 6, replayQueries: 0 },
    },
  );
}

test('a session is non-monotonic when a read returned the row and a later one returned null', () => {
  expect(isNonMonotonic(['found', 'missing'])).toBe(true);
  expect(isNonMonotonic(['missing', 'found', 'found', 'missing'])).toBe(true);
  // Not yet replicated, then replicated: moving forward is fine.
  expect(isNonMonotonic(['missing', 'missing', 'found'])).toBe(false);
  expect(isNonMonotonic(['found', 'found', 'found'])).toBe(false);
  // A failed read tells nothing either way, and does not hide what came before it.
  expect(isNonMonotonic(['found', 'failed', 'found'])).toBe(false);
  expect(isNonMonotonic(['failed', 'missing', 'failed'])).toBe(false);
  expect(isNonMonotonic(['found', 'failed', 'missing'])).toBe(true);
  // One read alone cannot go back.
  expect(isNonMonotonic(['found'])).toBe(false);
  expect(isNonMonotonic([])).toBe(false);
});

test('mode results count non-monotonic sessions; read p50 stays the read-back’s, the later reads have their own', () => {
  const r = result('split', 'eventual-plain', [
    session('found', later('missing', 8), later('found', 8)),
    session('found', later('found', 8), later('found', 8)),
    session('missing', later('found', 8), later('missing', 8)),
    session('missing', later('missing', 8), later('failed', 8)),
  ]);
  expect(r).toMatchObject({
    pairs: 4,
    stale: 2,
    nonMonotonic: 2,
    monotonicReads: false,
    sessionReads: 3,
    laterReads: 8,
    laterReadsFailed: 1,
  });
  // From an HDR histogram (3 significant digits).
  expect(r.read.p50Ms).toBeCloseTo(1, 2);
  expect(r.laterRead?.p50Ms).toBeCloseTo(8, 1);
  // Routing figures are per routed read: 6 position queries over 4 read-backs and 8 later reads.
  expect(r.routingCost?.primaryRoundTripsPerRead).toBe(0.5);
  // Sessions of one read: no later reads, nothing to judge.
  const once = result('none', 'eventual', [session('found')], { sessionReads: 1 });
  expect(once).toMatchObject({ nonMonotonic: 0, laterReads: 0, laterRead: null });
});

test('target: 0 non-monotonic sessions in every mode but primary while monotonic reads are on', () => {
  const back = session('found', later('missing'), later('found'));
  const modes = [
    result('split', 'eventual', [session('found', later('found'), later('found'))]),
    result('split', 'read-your-writes', [back]),
    result('split', 'primary', [back]),
    result('split', 'eventual-plain', [back]),
    result('none', 'remote_apply', [session('found', later('found'), later('found'))]),
  ];
  const checks = checkTargets(modes, resolveOptions({ scenarios: ['none', 'split'] }).scenarios, 1000)
    .filter((c) => c.name.includes('non-monotonic'))
    .map((c) => [c.name, c.met, c.measured]);
  expect(checks).toEqual([
    ['split/eventual: 0 non-monotonic sessions', true, '0 of 1 (3 reads each)'],
    ['split/read-your-writes: 0 non-monotonic sessions', false, '1 of 1 (3 reads each)'],
    ['none/remote_apply: 0 non-monotonic sessions', true, '0 of 1 (3 reads each)'],
  ]);
  // Sessions that read once are not judged.
  expect(
    checkTargets([result('none', 'eventual', [session('found')], { sessionReads: 1 })], [{ kind: 'none' }], 1000).map(
      (c) => c.name,
    ),
  ).not.toContain('none/eventual: 0 non-monotonic sessions');
  // A later read that failed is a failed read of the scenario.
  const failed = checkTargets(
    [result('none', 'eventual', [session('found', later('failed'), later('found'))])],
    [{ kind: 'none' }],
    1000,
  ).find((c) => c.name === 'none: no read failed');
  expect(failed).toMatchObject({ met: false, measured: '1 of 3' });
});

test('eventual against eventual-plain, per scenario that ran both', () => {
  const modes = [
    result('none', 'eventual', [session('found', later('found', 3), later('found', 3))], { wallMs: 1000 }),
    result('none', 'read-your-writes', [session('found')]),
    result('split', 'eventual', [session('found', later('found', 3), later('found', 3))], { wallMs: 1250 }),
    result('split', 'eventual-plain', [session('found', later('missing', 2), later('found', 2))], { wallMs: 1000 }),
  ];
  expect(monotonicCost(modes)).toEqual([
    {
      scenario: 'split',
      nonMonotonic: 0,
      nonMonotonicPlain: 1,
      pairs: 1,
      pairsPlain: 1,
      readP50: expect.closeTo(1, 2),
      laterReadP50: expect.closeTo(1.5, 2),
      pairsPerSec: 0.8,
    },
  ]);
  const tables = extraTables(modes);
  expect(tables.map((t) => t.id)).toEqual(['routing-cost', 'mode-ratios', 'sessions', 'monotonic-cost']);
  expect(tables.find((t) => t.id === 'monotonic-cost')!.rows).toEqual([
    ['split', '0 of 1', '1 of 1', '1.00×', '1.50×', '0.80×'],
  ]);
  const sessions = tables.find((t) => t.id === 'sessions')!;
  expect(sessions.rows.map((r) => [r[0], r[1], r[2], r[5]])).toEqual([
    ['none', 'eventual', 'on', '0 (met)'],
    ['none', 'read-your-writes', 'on', '0 (met)'],
    ['split', 'eventual', 'on', '0 (met)'],
    // Monotonic reads off: counted, not judged.
    ['split', 'eventual-plain', 'off', '1'],
  ]);
  expect(modeSentence(modes[3]!)).toContain(
    '1 of 1 sessions non-monotonic (3 reads each, monotonicReads off; 0 later reads failed)',
  );
  const bench = {
    modes,
    routing: { maxLagMs: 1000, maxLagBytes: 1048576, readYourWritesWaitMs: 0 },
    options: resolveOptions({ scenarios: ['none', 'split'] }),
    skipped: [],
    targets: [],
    aborted: false,
    baselines: { clients: 16, notRun: 'off', pgbench: null, rawPg: null },
  } as unknown as ConsistencyBenchResult;
  const table = formatConsistencyTable(bench);
  // The main table: non-monotonic sessions beside stale reads.
  expect(table).toMatch(/│ split\s+│ eventual-plain\s+│ 1\s+│ 0\s+│ 0\.0%\s+│ 1\s+│ 0\s+│ 100\.0%\s+│/);
  expect(table).toContain('3 reads per session (read p50: the first)');
});

test('options: 3 reads per session by default, 1 allowed, eventual-plain and split only when named', () => {
  expect(resolveOptions({}).sessionReads).toBe(3);
  expect(resolveOptions({ sessionReads: 1 }).sessionReads).toBe(1);
  expect(() => resolveOptions({ sessionReads: 0 })).toThrow(/sessionReads must be a whole number ≥ 1/);
  expect(() => resolveOptions({ sessionReads: 2.5 })).toThrow(/sessionReads/);
  expect(resolveOptions({}).modes).toEqual(DEFAULT_MODES);
  expect(DEFAULT_MODES).not.toContain('eventual-plain');
  expect(resolveOptions({ modes: ['eventual', 'eventual-plain'] }).modes).toEqual(['eventual', 'eventual-plain']);
  expect(resolveOptions({}).scenarios.map((s) => s.kind)).toEqual(['none', 'pause']);
  expect(resolveOptions({ scenarios: ['none', 'split'] }).scenarios).toEqual([{ kind: 'none' }, { kind: 'split' }]);
  expect(() => resolveOptions({ inject: false, scenarios: ['split'] })).toThrow(/--no-inject/);
});

test('split: the paused standby stays eligible, and its lag is unbounded (no replica-share target)', () => {
  expect(describeLag({ kind: 'split' })).toBe(
    'replay paused on the second standby for the whole scenario, the first streaming (router: maxLagMs 86400000, ' +
      'maxLagBytes 1099511627776, so that it stays eligible)',
  );
  expect(injectedLagMs({ kind: 'split' })).toBe(Number.POSITIVE_INFINITY);
  expect(SPLIT_ROUTING.maxLagMs).toBeGreaterThanOrEqual(3_600_000);
  const checks = checkTargets(
    [result('split', 'eventual', [{ ...session('found'), role: 'primary' }])],
    [{ kind: 'split' }],
    1000,
  );
  expect(checks.some((c) => c.name.includes('of reads on replicas'))).toBe(false);
});
