// The options of `npm run bench` (the read and write paths), declared once; scripts/bench.ts registers them.
import { wholeNumberListOption, wholeNumberOption } from '../common/whole-number-option';

export const READS_FLAGS = {
  iterations: wholeNumberOption('--iterations <n>', 'measured calls per path, over all rounds', { min: 1 }, 20_000),
  rounds: wholeNumberOption('--rounds <n>', 'rounds the paths alternate in', { min: 1 }, 20),
  concurrency: wholeNumberOption(
    '--concurrency <n>',
    'parallel workers per path (Prisma pools hold 10)',
    { min: 1, max: 10 },
    4,
  ),
  warmup: wholeNumberOption('--warmup <n>', 'unmeasured calls per path first', { min: 0 }, 200),
  rows: wholeNumberOption('--rows <n>', 'rows the table holds (topped up in SQL) before measuring', { min: 0 }, 10_000),
  fallbackIterations: wholeNumberOption(
    '--fallback-iterations <n>',
    'calls of the fallback-write path (a psql process each)',
    { min: 1 },
    100,
  ),
  commitSamples: wholeNumberOption('--commit-samples <n>', 'commit-to-visible samples', { min: 1 }, 500),
  rates: wholeNumberListOption(
    '--rates <list>',
    'open-loop offered rates (requests/s) for extension-read, router-read, router-write',
    { min: 1 },
    [500, 1000, 2000],
  ),
  openSeconds: wholeNumberOption(
    '--open-seconds <s>',
    'seconds of each open-loop run; 0 skips the open-loop runs',
    { min: 0, max: 600 },
    5,
  ),
  baselineSeconds: wholeNumberOption(
    '--baseline-seconds <s>',
    'seconds of each pgbench run; 0 skips pgbench',
    { min: 0, max: 3600 },
    5,
  ),
  memorySamples: wholeNumberOption(
    '--memory-samples <n>',
    'processes per client kind in the memory study (plain client, extension, rwsplit); 0 skips it',
    { min: 0, max: 20 },
    3,
  ),
} as const;
