// A background writer at a fixed rate: single-row INSERTs (each its own transaction) issued on schedule over a
// small pool, catching up in bursts when a timer fires late. It reports the rate it really achieved.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { INSERT_PROBE_ROW } from '../../replication/queries';

export interface PacedWriterOptions {
  /** The primary. */
  readonly url: string;
  /** Writes per second to aim for. */
  readonly ratePerSec: number;
  /** Connections (and writes in flight at most). Default 8. */
  readonly connections?: number;
  /** Text of each row. Default `scale study write`. */
  readonly data?: string;
}

export interface PacedWriterResult {
  /** Writes committed. */
  readonly writes: number;
  readonly elapsedMs: number;
  readonly achievedRate: number;
}

export interface PacedWriter {
  /** Stops issuing, waits for the writes in flight, and returns what was done; rethrows a failed write. */
  stop(): Promise<PacedWriterResult>;
}

/** Starts writing at once. */
export function startPacedWriter(options: PacedWriterOptions): PacedWriter {
  if (!(options.ratePerSec > 0)) throw new RangeError(`ratePerSec must be > 0, got ${options.ratePerSec}.`);
  const connections = options.connections ?? 8;
  const data = options.data ?? 'scale study write';
  const pool = new pg.Pool({ connectionString: options.url, max: connections, application_name: 'rwsplit-paced' });
  pool.on('error', () => undefined);
  const started = performance.now();
  let issued = 0;
  let done = 0;
  let inFlight = 0;
  let failure: unknown = null;
  let stopped = false;
  let wake: (() => void) | null = null;

  const issue = () => {
    issued++;
    inFlight++;
    pool
      .query(INSERT_PROBE_ROW, [data])
      .then(() => done++)
      .catch((err: unknown) => {
        failure ??= err;
      })
      .finally(() => {
        inFlight--;
        wake?.();
      });
  };
  const loop = (async () => {
    while (!stopped && failure === null) {
      const due = Math.floor(((performance.now() - started) / 1000) * options.ratePerSec);
      while (issued < due && inFlight < connections) issue();
      // Sleep until the next write is due, or until a write completes when the pool is full.
      const nextDueMs = ((issued + 1) / options.ratePerSec) * 1000 - (performance.now() - started);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, Math.min(nextDueMs, 50)));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      wake?.();
      await loop;
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 1));
      const elapsedMs = performance.now() - started;
      await pool.end();
      if (failure !== null) throw new Error('The paced background writer failed.', { cause: failure });
      return { writes: done, elapsedMs, achievedRate: (done / elapsedMs) * 1000 };
    },
  };
}
