// The options of `npm run bench:ha`, declared once; scripts/bench-ha.ts registers them.
import { choiceListOption } from '../common/choice-list-option';
import { resultsDirOption } from '../common/results-dir-option';
import { wholeNumberOption } from '../common/whole-number-option';
import { DEFAULT_REPLICATION_MODES, REPLICATION_MODES } from './replication-mode';
import { LEADER_CHANGE_KINDS } from './run-leader-change';

export const HA_FLAGS = {
  modes: choiceListOption(
    '--modes <list>',
    `replication modes, in order (${REPLICATION_MODES.join(', ')}: asynchronous, Patroni's synchronous_mode, ` +
      'and synchronous_mode_strict)',
    REPLICATION_MODES,
    { defaultValue: DEFAULT_REPLICATION_MODES, unique: true },
  ),
  scenarios: choiceListOption(
    '--scenarios <list>',
    `leader changes, in order (${LEADER_CHANGE_KINDS.join(', ')})`,
    LEADER_CHANGE_KINDS,
    { defaultValue: LEADER_CHANGE_KINDS },
  ),
  workers: wholeNumberOption(
    '--workers <n>',
    'workload workers (each: write, then read it back)',
    { min: 1, max: 64 },
    4,
  ),
  latencyRounds: wholeNumberOption(
    '--latency-rounds <n>',
    'rounds in which the modes take turns, before the leader changes, to measure write latency (0: use the ' +
      "leader changes' warm-ups)",
    { min: 0, max: 100 },
    3,
  ),
  latencyWindowMs: wholeNumberOption(
    '--latency-window-ms <n>',
    "one mode's turn in a latency round",
    { min: 100 },
    2000,
  ),
  warmupMs: wholeNumberOption('--warmup-ms <n>', 'workload before each leader change', { min: 0 }, 2000),
  settleMs: wholeNumberOption('--settle-ms <n>', 'workload after writes resumed', { min: 0 }, 2000),
  refreshIntervalMs: wholeNumberOption(
    '--refresh-interval-ms <n>',
    "the router's Patroni /cluster refresh interval",
    { min: 1 },
    500,
  ),
  resultsDir: resultsDirOption('--results-dir <dir>'),
} as const;
