// The line every bench prints last: where its report went (the timestamped folder, and the same in -latest).
import type { WrittenResults } from './write-results';

/**
 * @example reportLocation(written) // 'Report: /p/results/bench-…/report.html\n        (also /p/results/bench-latest/report.html)'
 */
export function reportLocation(written: WrittenResults): string {
  return `Report: ${written.run.htmlPath}\n        (also ${written.latest.htmlPath})`;
}
