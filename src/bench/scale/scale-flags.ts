// The options of `npm run bench -- --scale` (the scale study), declared once; their defaults are the study's.
import { switchOption } from '../common/switch-option';
import { wholeNumberListOption, wholeNumberOption } from '../common/whole-number-option';

export const SCALE_FLAGS = {
  scale: switchOption(
    '--scale',
    'run the scale study instead: consistency check and commit-to-visible vs rows, commit-to-visible vs write rate',
  ),
  scaleRows: wholeNumberListOption(
    '--scale-rows <list>',
    'scale study: table sizes',
    { min: 1 },
    [10_000, 100_000, 1_000_000],
  ),
  scaleRates: wholeNumberListOption(
    '--scale-rates <list>',
    'scale study: background writes per second',
    { min: 1 },
    [100, 1000, 5000],
  ),
  rateSeconds: wholeNumberOption(
    '--rate-seconds <s>',
    'scale study: seconds at each write rate',
    { min: 1, max: 600 },
    5,
  ),
} as const;
