// Whether the Prometheus tests can run: as root the project's setup installs Debian's `prometheus` (prometheus and
// promtool) when missing; a normal user without it gets the tests skipped, with the reason printed.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { ensureSystemTools, SYSTEM_TOOLS } from '../../src/setup/system-tools';

const answers = (command: string) =>
  spawnSync(command, ['--version'], { stdio: 'ignore', timeout: 10_000 }).status === 0;

/**
 * Decided when the test file loads (jest cannot skip a test once it runs): null when the tests run, else why not.
 * Root always runs them: beforeAll installs what is missing, and a failed install fails the tests.
 */
export function prometheusSkipReason(): string | null {
  if (os.userInfo().uid === 0 || (answers('prometheus') && answers('promtool'))) return null;
  return 'prometheus/promtool are not installed and this is not root: apt-get install -y prometheus';
}

/** Installs Debian's prometheus package when a binary is missing (root with apt-get), through the project's setup. */
export async function ensurePrometheus(): Promise<void> {
  const tool = SYSTEM_TOOLS.find((t) => t.name === 'prometheus');
  if (!tool) throw new Error('src/setup/system-tools.ts lists no prometheus tool');
  const result = await ensureSystemTools([tool]);
  if (!(await tool.present())) throw new Error(`prometheus is still missing: ${result.advice.join(' ')}`);
}
