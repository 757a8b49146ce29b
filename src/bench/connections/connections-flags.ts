// The options of `npm run bench:connections`, declared once; scripts/bench-connections.ts registers them.
import type { BenchOptionValues } from '../common/bench-command';
import { choiceListOption } from '../common/choice-list-option';
import { resultsDirOption } from '../common/results-dir-option';
import { textOption } from '../common/text-option';
import { wholeNumberListOption, wholeNumberOption } from '../common/whole-number-option';
import { BENCH_CONNECTIONS_DEFAULTS as DEFAULTS, PGBOUNCER_BENCH_PORT_OFFSET } from './bench-connections-options';
import { VIAS } from './via';

export const CONNECTIONS_FLAGS = {
  via: choiceListOption('--via <list>', `ways to reach the nodes, in order (${VIAS.join(', ')})`, VIAS, {
    defaultValue: DEFAULTS.via,
    unique: true,
  }),
  processes: wholeNumberListOption(
    '--processes <list>',
    'application processes per configuration, in order',
    { min: 1, max: 64 },
    DEFAULTS.processes,
  ),
  seconds: wholeNumberOption(
    '--seconds <n>',
    'load per configuration, once its processes are ready',
    { min: 1, max: 600 },
    DEFAULTS.seconds,
  ),
  concurrency: wholeNumberOption(
    '--concurrency <n>',
    'eventual reads in flight per process',
    { min: 1, max: 64 },
    DEFAULTS.concurrency,
  ),
  sessionEveryMs: wholeNumberOption(
    '--session-every-ms <n>',
    'a read-your-writes session (create, then read) per process this often',
    { min: 1 },
    DEFAULTS.sessionEveryMs,
  ),
  warmupSeconds: wholeNumberOption(
    '--warmup-seconds <n>',
    'the same load, uncounted, in each process before the configuration starts',
    { min: 0, max: 600 },
    DEFAULTS.warmupSeconds,
  ),
  sampleMs: wholeNumberOption(
    '--sample-ms <n>',
    'how often connections are sampled while the load runs',
    { min: 100 },
    DEFAULTS.sampleMs,
  ),
  pgbouncerPorts: textOption(
    '--pgbouncer-ports <list>',
    `the bench's PgBouncers' ports, one per node (default each node's port + ${PGBOUNCER_BENCH_PORT_OFFSET})`,
  ),
  resultsDir: resultsDirOption('--results-dir <dir>'),
} as const;

/**
 * What one run measures (flags and their meaning: connections-flags.ts), with the bench's own PgBouncers' ports
 * parsed (default each node's port + PGBOUNCER_BENCH_PORT_OFFSET).
 */
export type ConnectionsBenchOptions = BenchOptionValues<
  Omit<typeof CONNECTIONS_FLAGS, 'pgbouncerPorts' | 'resultsDir'>
> & {
  readonly pgbouncerPorts?: readonly number[];
};
