// Every wait of the HA cluster is bounded and, when it gives up, says what it last saw and where to look, so that
// a hung etcd or Patroni fails with a clear message instead of hanging a command or a test.

export interface WaitForOptions {
  readonly timeoutMs: number;
  /** Poll interval, in ms. Default 200. */
  readonly everyMs?: number;
  /** Added to the timeout message, e.g. which log to read. */
  readonly advice?: string;
}

/** A check's answer: done with a value, or not yet with what was seen (for the timeout message). */
export type Check<T> = { readonly done: true; readonly value: T } | { readonly done: false; readonly seen: string };

export class HaWaitTimeoutError extends Error {
  constructor(what: string, timeoutMs: number, seen: string, advice: string | undefined) {
    super(
      `Timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}. Last seen: ${seen}.` +
        (advice ? ` ${advice}` : ''),
    );
    this.name = 'HaWaitTimeoutError';
  }
}

/** Thrown by a check when waiting longer cannot help (the process exited): it ends the wait at once. */
export class WaitAborted extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'WaitAborted';
  }
}

/**
 * Polls `check` until it is done or the timeout passes. A check that throws counts as "not yet", with its error as
 * what was seen (a member not answering yet), except WaitAborted, which ends the wait.
 */
export async function waitFor<T>(what: string, check: () => Promise<Check<T>>, options: WaitForOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let seen: string;
  for (;;) {
    try {
      const answer = await check();
      if (answer.done) return answer.value;
      seen = answer.seen;
    } catch (err) {
      if (err instanceof WaitAborted) throw err;
      seen = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline) throw new HaWaitTimeoutError(what, options.timeoutMs, seen, options.advice);
    await new Promise((r) => setTimeout(r, options.everyMs ?? 200));
  }
}
