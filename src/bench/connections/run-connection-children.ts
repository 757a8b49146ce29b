// Runs N application processes (connection-child.ts) side by side: each starts its own rwsplit and says ready;
// once all are ready they are told to start together, `duringLoad` runs while their load does (the sampler), and
// their reports are collected when they exit. A process that dies, or does not get ready in time, fails the run
// with its stderr; the others are then stopped.
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { BenchConnectionsError } from './bench-connections-error';
import { type ChildReport, parseChildMessage } from './child-report';
import { CHILD_SPEC_ENV, type ChildSpec } from './child-spec';

/** How long N processes may take to load Prisma and rwsplit and pass their first health check, in ms. */
export const READY_TIMEOUT_MS = 180_000;

const CHILD = path.join(__dirname, 'connection-child.ts');
const ROOT = path.resolve(__dirname, '..', '..', '..');

type Child = ResultPromise<{ stdin: 'pipe'; reject: false }>;

const tail = (text: unknown, lines = 15) =>
  String(text ?? '')
    .trim()
    .split('\n')
    .slice(-lines)
    .join('\n');

function spawnChild(spec: ChildSpec, timeoutMs: number): Child {
  return execa(process.execPath, ['-r', 'ts-node/register/transpile-only', CHILD], {
    cwd: ROOT,
    env: { [CHILD_SPEC_ENV]: JSON.stringify(spec) },
    stdin: 'pipe',
    reject: false,
    timeout: timeoutMs,
    forceKillAfterDelay: 5000,
  });
}

/** Resolves once `child` prints ready; rejects if it exits first. */
function readyOf(child: Child): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      if (lines.some((line) => parseChildMessage(line)?.type === 'ready')) resolve();
    });
    void child.then((result) =>
      reject(
        new BenchConnectionsError(
          `An application process (pid ${child.pid ?? '?'}) exited before it was ready (exit code ` +
            `${result.exitCode ?? result.signal ?? '?'}). Its stderr:\n${tail(result.stderr)}\nCheck that the ` +
            'cluster (or its PgBouncers) accepts connections: `npm run cluster:status`.',
        ),
      ),
    );
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BenchConnectionsError(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The report a finished child printed, or a BenchConnectionsError with its stderr. */
function reportOf(result: Awaited<Child>, pid: number | undefined): ChildReport {
  const lines = String(result.stdout ?? '').split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const message = parseChildMessage(lines[i]!);
    if (message?.type === 'report' && result.exitCode === 0) return message.report;
  }
  throw new BenchConnectionsError(
    `An application process (pid ${pid ?? '?'}) ended without its report (exit code ` +
      `${result.exitCode ?? result.signal ?? '?'}${result.timedOut ? ', timed out' : ''}). Its stderr:\n` +
      `${tail(result.stderr)}`,
  );
}

export interface ChildrenRun<T> {
  readonly reports: readonly ChildReport[];
  /** What `duringLoad` returned. */
  readonly during: T;
  /** How long the processes took to get ready, in ms. */
  readonly readyMs: number;
}

/**
 * Starts `count` processes with `spec`, waits until all are ready, tells them to run their load for `loadMs`, runs
 * `duringLoad` meanwhile, and resolves with their reports once they have exited.
 */
export async function runConnectionChildren<T>(
  spec: ChildSpec,
  count: number,
  loadMs: number,
  duringLoad: () => Promise<T>,
): Promise<ChildrenRun<T>> {
  const startedAt = Date.now();
  const children = Array.from({ length: count }, () => spawnChild(spec, READY_TIMEOUT_MS + loadMs + 60_000));
  try {
    await withTimeout(
      Promise.all(children.map(readyOf)),
      READY_TIMEOUT_MS,
      `${count} application processes were not all ready within ${READY_TIMEOUT_MS / 1000} s. Run fewer ` +
        '(--processes), or check what keeps the machine busy.',
    );
    const readyMs = Date.now() - startedAt;
    for (const child of children) child.stdin.write(`start ${loadMs}\n`);
    const during = await duringLoad();
    const results = await Promise.all(children);
    return { reports: results.map((result, i) => reportOf(result, children[i]!.pid)), during, readyMs };
  } catch (err) {
    for (const child of children) child.kill();
    await Promise.allSettled(children);
    throw err;
  }
}
