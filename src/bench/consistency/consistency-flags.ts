// The options of `npm run bench:consistency`, declared once: scripts/bench-consistency.ts registers them, and
// resolveOptions checks values given in code by the same rules.
import { choiceListOption } from '../common/choice-list-option';
import { resultsDirOption } from '../common/results-dir-option';
import { switchOption } from '../common/switch-option';
import { textOption } from '../common/text-option';
import { optionalWholeNumberOption, wholeNumberOption } from '../common/whole-number-option';
import { BENCH_MODES, DEFAULT_MODES, DEFAULTS, LAG_KINDS } from './bench-options';
import { FAULT_DEFAULTS } from './fault-spec';

export const CONSISTENCY_FLAGS = {
  pairs: wholeNumberOption('--pairs <n>', 'write→read pairs per mode and scenario', { min: 1 }, DEFAULTS.pairs),
  large: switchOption('--large', `${DEFAULTS.largePairs} pairs per mode and scenario`),
  concurrency: wholeNumberOption(
    '--concurrency <n>',
    'pairs in flight at once',
    { min: 1, max: 256 },
    DEFAULTS.concurrency,
  ),
  modes: choiceListOption(
    '--modes <list>',
    `modes, comma-separated (${BENCH_MODES.join(', ')}); default ${DEFAULT_MODES.join(',')}`,
    BENCH_MODES,
  ),
  scenarios: choiceListOption(
    '--scenarios <list>',
    `scenarios (${LAG_KINDS.join(', ')}); default none,pause`,
    LAG_KINDS,
  ),
  sessionReads: wholeNumberOption(
    '--session-reads <n>',
    "reads of the row per pair's session, the read-back included (1: the read-back only)",
    { min: 1 },
    DEFAULTS.sessionReads,
  ),
  sessionReadGapMs: wholeNumberOption(
    '--session-read-gap-ms <n>',
    "pause between a session's reads of the row, in ms (a session's think time; 0: back to back)",
    { min: 0 },
    DEFAULTS.sessionReadGapMs,
  ),
  pauseMs: wholeNumberOption(
    '--pause-ms <n>',
    'pause scenario: replay paused this long…',
    { min: 1 },
    DEFAULTS.pauseMs,
  ),
  periodMs: wholeNumberOption('--period-ms <n>', '…of every period this long', { min: 2 }, DEFAULTS.periodMs),
  delayMs: wholeNumberOption(
    '--delay-ms <n>',
    'delay scenario: recovery_min_apply_delay',
    { min: 1 },
    DEFAULTS.delayMs,
  ),
  freezeAtMs: wholeNumberOption(
    '--freeze-at-ms <n>',
    "fault scenario, from the start of each mode's run: the first standby frozen (SIGSTOP) at…",
    { min: 0 },
    FAULT_DEFAULTS.freezeAtMs,
  ),
  killAtMs: wholeNumberOption(
    '--kill-at-ms <n>',
    '…the second standby killed at…',
    { min: 0 },
    FAULT_DEFAULTS.killAtMs,
  ),
  restoreAtMs: wholeNumberOption(
    '--restore-at-ms <n>',
    '…both restored at (each mode runs until then, and at least --pairs pairs)',
    { min: 1 },
    FAULT_DEFAULTS.restoreAtMs,
  ),
  replicaReadTimeoutMs: wholeNumberOption(
    '--replica-read-timeout-ms <n>',
    "fault scenario: the router's replicaReadTimeoutMs",
    { min: 1 },
    FAULT_DEFAULTS.replicaReadTimeoutMs,
  ),
  faultCheckTimeoutMs: wholeNumberOption(
    '--fault-check-timeout-ms <n>',
    "fault scenario: the router's checkTimeoutMs (checks eject the frozen standby)",
    { min: 1 },
    FAULT_DEFAULTS.checkTimeoutMs,
  ),
  faultConnectTimeoutMs: optionalWholeNumberOption(
    '--fault-connect-timeout-ms <n>',
    "fault scenario: the router's connectTimeoutMs (default: WRITER_CONNECT_TIMEOUT_MS's, 3000)",
    { min: 1 },
  ),
  writeRate: wholeNumberOption(
    '--write-rate <n>',
    'background inserts per second on the primary (0: none)',
    { min: 0 },
    DEFAULTS.writeRate,
  ),
  sampleMs: wholeNumberOption('--sample-ms <n>', 'lag sample interval', { min: 10 }, DEFAULTS.sampleEveryMs),
  baselineSeconds: wholeNumberOption(
    '--baseline-seconds <n>',
    'seconds of each pgbench baseline run (read by id, insert; 0: no pgbench)',
    { min: 0 },
    DEFAULTS.baselineSeconds,
  ),
  baselineOps: wholeNumberOption(
    '--baseline-ops <n>',
    'queries of each raw pg baseline run (read by id, insert; 0: no raw pg)',
    { min: 0 },
    DEFAULTS.baselineOps,
  ),
  pgbench: textOption(
    '--pgbench <path>',
    'the pgbench executable (default: on PATH, else /usr/lib/postgresql/<v>/bin)',
  ),
  inject: switchOption('--no-inject', 'inject no lag (no superuser needed; for servers this project does not manage)'),
  keep: switchOption('--keep', 'keep the rows the run wrote (default: deleted at the end)'),
  out: resultsDirOption('--out <dir>'),
  markdown: switchOption('--markdown', 'also print the table as Markdown'),
  quiet: switchOption('--quiet', 'no progress bar or progress lines'),
} as const;
