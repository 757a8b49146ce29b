// Turns the consistency bench's options given in code into one resolved set: defaults filled in, each value checked
// by its flag's rule (consistency-flags.ts), and the rules between options (a pause shorter than its period…).
import { checkOptionValue } from '../common/bench-option';
import { wholeNumberSchema } from '../common/whole-number-option';
import {
  BENCH_MODES,
  type ConsistencyBenchOptions,
  DEFAULT_MODES,
  DEFAULTS,
  LAG_KINDS,
  type ResolvedOptions,
} from './bench-options';
import { CONSISTENCY_FLAGS as FLAGS } from './consistency-flags';
import type { FaultSpec } from './fault-spec';
import type { LagSpec } from './lag-injection';

type WholeNumberFlag = {
  [K in keyof typeof FLAGS]: (typeof FLAGS)[K]['defaultValue'] extends number ? K : never;
}[keyof typeof FLAGS];

/** `options[name]` or its flag's default, checked by its flag's rule. */
function wholeNumber(options: ConsistencyBenchOptions, name: WholeNumberFlag & keyof ConsistencyBenchOptions) {
  return checkOptionValue(FLAGS[name], options[name] ?? FLAGS[name].defaultValue, name);
}

function resolveFault(options: ConsistencyBenchOptions): FaultSpec {
  const [freezeAtMs, killAtMs, restoreAtMs] = [
    wholeNumber(options, 'freezeAtMs'),
    wholeNumber(options, 'killAtMs'),
    wholeNumber(options, 'restoreAtMs'),
  ];
  if (freezeAtMs >= restoreAtMs || killAtMs >= restoreAtMs) {
    throw new RangeError(
      `freezeAtMs (${freezeAtMs}) and killAtMs (${killAtMs}) must come before restoreAtMs (${restoreAtMs}).`,
    );
  }
  const connectTimeoutMs = options.faultConnectTimeoutMs;
  return {
    kind: 'fault',
    freezeAtMs,
    killAtMs,
    restoreAtMs,
    replicaReadTimeoutMs: wholeNumber(options, 'replicaReadTimeoutMs'),
    checkTimeoutMs: wholeNumber(options, 'faultCheckTimeoutMs'),
    connectTimeoutMs:
      connectTimeoutMs === undefined
        ? null
        : (checkOptionValue(FLAGS.faultConnectTimeoutMs, connectTimeoutMs, 'faultConnectTimeoutMs') ?? null),
  };
}

/** Fills in defaults and checks every value; throws a RangeError naming the option. */
export function resolveOptions(options: ConsistencyBenchOptions): ResolvedOptions {
  const inject = options.inject ?? true;
  const pairs = wholeNumber(options, 'pairs');
  const concurrency = wholeNumber(options, 'concurrency');
  const pauseMs = wholeNumber(options, 'pauseMs');
  const periodMs = wholeNumber(options, 'periodMs');
  if (pauseMs >= periodMs) throw new RangeError(`pauseMs (${pauseMs}) must be shorter than periodMs (${periodMs}).`);
  const delayMs = wholeNumber(options, 'delayMs');
  const kinds = options.scenarios ?? (inject ? ['none', 'pause'] : ['none']);
  if (kinds.length === 0) throw new RangeError(`Name at least one scenario (${LAG_KINDS.join(', ')}).`);
  if (!inject && kinds.some((k) => k !== 'none')) {
    throw new RangeError(
      `Scenario ${kinds.find((k) => k !== 'none')} injects lag or a fault, which --no-inject rules out.`,
    );
  }
  const fault = resolveFault(options);
  const modes = options.modes ?? DEFAULT_MODES;
  if (modes.length === 0) throw new RangeError('Name at least one mode.');
  for (const m of modes) if (!BENCH_MODES.includes(m)) throw new RangeError(`Unknown mode "${m}".`);
  const scenarios = kinds.map((kind): LagSpec => {
    if (kind === 'pause') return { kind, pauseMs, periodMs };
    if (kind === 'delay') return { kind, delayMs };
    if (kind === 'none') return { kind };
    if (kind === 'fault') return fault;
    if (kind === 'split') return { kind };
    throw new RangeError(`Unknown scenario "${String(kind)}" (expected ${LAG_KINDS.join(', ')}).`);
  });
  const poolSize = options.poolSize ?? Math.max(10, concurrency + 2);
  return Object.freeze({
    pairs,
    concurrency,
    modes: Object.freeze([...modes]),
    scenarios: Object.freeze(scenarios),
    writeRate: wholeNumber(options, 'writeRate'),
    sessionReads: wholeNumber(options, 'sessionReads'),
    sessionReadGapMs: wholeNumber(options, 'sessionReadGapMs'),
    sampleEveryMs: checkOptionValue(FLAGS.sampleMs, options.sampleEveryMs ?? DEFAULTS.sampleEveryMs, 'sampleEveryMs'),
    inject,
    poolSize: checkOptionValue({ schema: wholeNumberSchema(1) }, poolSize, 'poolSize'),
    baselineSeconds: wholeNumber(options, 'baselineSeconds'),
    baselineOps: wholeNumber(options, 'baselineOps'),
    pgbench: options.pgbench ?? null,
    keep: options.keep ?? false,
  });
}
