// The option every bench writes its report folders under (`--out`, or `--results-dir` where it was always called so).
import type { BenchOption } from './bench-option';
import { textOption } from './text-option';

/**
 * The results folder: the report goes to `<dir>/<bench>-<timestamp>/` and `<dir>/<bench>-latest/`.
 * @example { out: resultsDirOption('--out <dir>') }
 */
export function resultsDirOption(flags: string): BenchOption<string | undefined> {
  return textOption(flags, 'results folder (default <project>/results)');
}
