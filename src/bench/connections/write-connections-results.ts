// Writes a bench:connections run to results/<timestamp>/bench-connections.json (the timestamp and the results
// folder are the other benches' own: src/bench/common/write-results.ts).
import fs from 'node:fs/promises';
import path from 'node:path';
import { folderTimestamp, RESULTS_DIR } from '../common/write-results';
import type { ConnectionsBenchRun } from './run-connections-bench';

/** Writes `run` as pretty JSON; returns the file's path. `root` undefined: <project>/results. */
export async function writeConnectionsResults(
  root: string | undefined,
  run: ConnectionsBenchRun,
  at: Date = new Date(),
): Promise<string> {
  const dir = path.join(root ?? RESULTS_DIR, folderTimestamp(at));
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, 'bench-connections.json');
  await fs.writeFile(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
}
