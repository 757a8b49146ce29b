// Writes a bench:ha run to results/<timestamp>/bench-ha.json (the timestamp and the results folder are the other
// benches' own: src/bench/common/write-results.ts).
import fs from 'node:fs/promises';
import path from 'node:path';
import { folderTimestamp, RESULTS_DIR } from '../common/write-results';

/** Writes `data` as pretty JSON; returns the file's path. `root` undefined: <project>/results. */
export async function writeHaResults(root: string | undefined, data: unknown, at: Date = new Date()): Promise<string> {
  const dir = path.join(root ?? RESULTS_DIR, folderTimestamp(at));
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, 'bench-ha.json');
  await fs.writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
