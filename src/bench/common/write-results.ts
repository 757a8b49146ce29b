// Writes a run's report into results/<prefix>-<timestamp>/ and again into results/<prefix>-latest/.
import path from 'node:path';
import { PROJECT_ROOT } from '../../config';
import type { ReportData } from '../report/report-data';
import { type WrittenReport, writeReport } from '../report/write-report';

export interface WrittenResults {
  /** The timestamped folder. */
  readonly run: WrittenReport;
  /** The same files in `<prefix>-latest`. */
  readonly latest: WrittenReport;
}

/** `2026-11-25T17-00-00Z`: an ISO time usable as a folder name on every system. */
export function folderTimestamp(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
}

/** Where every benchmark writes its results by default: <project>/results, whatever the working folder. */
export const RESULTS_DIR = path.join(PROJECT_ROOT, 'results');

/**
 * Writes report.json and report.html twice: into `<root>/<prefix>-<timestamp>` and `<root>/<prefix>-latest`.
 * `root` undefined: RESULTS_DIR. Every benchmark (`bench`, `bench:consistency`) writes through here.
 * @example await writeResults(undefined, 'bench', data) // <project>/results/bench-2026-11-25T17-00-00Z/report.html
 */
export async function writeResults(
  root: string | undefined,
  prefix: string,
  data: ReportData,
  at: Date = new Date(),
): Promise<WrittenResults> {
  const dir = root ?? RESULTS_DIR;
  const run = await writeReport(path.join(dir, `${prefix}-${folderTimestamp(at)}`), data);
  const latest = await writeReport(path.join(dir, `${prefix}-latest`), data);
  return { run, latest };
}
