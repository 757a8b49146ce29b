// Shared top level of every script: run, print a failure as one clear message (with its causes), exit non-zero.
import { maskUrl } from '../config';

function describe(err: unknown): string {
  const lines: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    lines.push(depth === 0 ? message : `  caused by: ${message}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  // Never print a password, whatever the error text carried.
  return lines.join('\n').replace(/postgres(?:ql)?:\/\/[^\s"']+/g, (u) => maskUrl(u));
}

/** Runs a script's main function; errors end the process with exit code 1 and a readable message. */
export function runMain(main: () => Promise<unknown>): void {
  main().then(
    () => undefined,
    (err: unknown) => {
      console.error(`error: ${describe(err)}`);
      process.exitCode = 1;
    },
  );
}
