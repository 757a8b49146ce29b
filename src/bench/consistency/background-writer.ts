// A paced background write load on the primary (N inserts per second through a raw pg pool), so replicas replay
// a steady WAL stream while the pairs run, as they would under real traffic.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { INSERT_PROBE_ROW } from '../../replication/queries';

/** How often the writer catches up with its schedule, in ms. */
const TICK_MS = 10;

export interface BackgroundWriterOptions {
  /** Inserts per second; 0 writes nothing. */
  readonly ratePerSec: number;
  /** Pool size, and the most inserts in flight at once. Default 4. */
  readonly connections?: number;
}

export interface WriterStats {
  /** Inserts committed so far. */
  readonly writes: number;
  /** Inserts that failed. */
  readonly errors: number;
  /** The first failure, if any. */
  readonly firstError: string | null;
  /** Inserts the schedule asked for but that could not start (all connections busy): the load fell behind. */
  readonly behind: number;
}

export interface BackgroundWriter {
  stats(): WriterStats;
  /** Stops starting new inserts, waits for those in flight, closes the pool. */
  stop(): Promise<WriterStats>;
}

/** Starts writing at once. */
export function startBackgroundWriter(primaryUrl: string, options: BackgroundWriterOptions): BackgroundWriter {
  const connections = options.connections ?? 4;
  const stats = { writes: 0, errors: 0, firstError: null as string | null, behind: 0 };
  if (options.ratePerSec <= 0) {
    return { stats: () => ({ ...stats }), stop: async () => ({ ...stats }) };
  }
  const pool = new pg.Pool({ connectionString: primaryUrl, max: connections, application_name: 'rwsplit-bench-load' });
  pool.on('error', () => undefined);
  const started = performance.now();
  let issued = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  const tick = () => {
    const due = Math.floor(((performance.now() - started) / 1000) * options.ratePerSec);
    while (issued < due) {
      if (inFlight >= connections) {
        // Skipped, not queued: a backlog would turn into a burst later and distort the rate.
        stats.behind += due - issued;
        issued = due;
        break;
      }
      issued++;
      inFlight++;
      const p = pool
        .query(INSERT_PROBE_ROW, ['bench-consistency background write'])
        .then(
          () => {
            stats.writes++;
          },
          (err: unknown) => {
            stats.errors++;
            stats.firstError ??= err instanceof Error ? err.message : String(err);
          },
        )
        .finally(() => {
          inFlight--;
          pending.delete(p);
        });
      pending.add(p);
    }
  };
  const timer = setInterval(tick, TICK_MS);
  return {
    stats: () => ({ ...stats }),
    stop: async () => {
      clearInterval(timer);
      await Promise.all([...pending]);
      await pool.end().catch(() => undefined);
      return { ...stats };
    },
  };
}
