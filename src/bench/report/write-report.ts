// Writes a benchmark's results folder: report.json (the data) and report.html (the same data as a page).
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ReportData } from './report-data';
import { renderReportHtml } from './render-report-html';

export interface WrittenReport {
  readonly dir: string;
  readonly jsonPath: string;
  readonly htmlPath: string;
}

/**
 * Creates `dir` if needed and writes `report.json` and `report.html` into it (overwriting earlier ones).
 * @example await writeReport('results/bench-2026-11-25T17-00-00', data)
 */
export async function writeReport(dir: string, data: ReportData): Promise<WrittenReport> {
  const target = path.resolve(dir);
  try {
    await fs.mkdir(target, { recursive: true });
    const jsonPath = path.join(target, 'report.json');
    const htmlPath = path.join(target, 'report.html');
    await fs.writeFile(jsonPath, `${JSON.stringify(data, null, 2)}\n`);
    await fs.writeFile(htmlPath, await renderReportHtml(data));
    return { dir: target, jsonPath, htmlPath };
  } catch (cause) {
    throw new Error(`Could not write the report into ${target}. Check the folder is writable, or pass another one.`, {
      cause,
    });
  }
}
