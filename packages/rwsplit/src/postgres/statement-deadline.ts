// A deadline for the statements of one read: the client stops waiting when it passes, and asks the server to stop
// too (a cancel request), so an abandoned query does not run on for its full length. @prisma/adapter-pg calls
// `pool.query` itself, synchronously inside its queryRaw/executeRaw, so the deadline is handed to the pool just
// before (`expect`); a statement handed none (writes, transactions, the primary) has none.
//
// The read path is hot: a statement under a deadline costs one Promise and a Set entry, no timer of its own. One
// sweep per pool, every SWEEP_MS while statements are in flight, finds those past their deadline.
import type pg from 'pg';
import { sendCancelRequest } from './cancel-request';

/** How often in-flight statements are compared with their deadlines, in ms: a deadline is enforced this late at most. */
export const SWEEP_MS = 10;

/** A statement passed its deadline. `serverStopped` says whether the server confirmed it stopped the statement. */
export class DeadlineExceededError extends Error {
  /**
   * @param serverStopped true: the server answered the cancel request (it is alive; the statement was slow).
   *   false: no answer at all (connect or query): the server hangs or cannot be reached.
   */
  constructor(
    readonly serverStopped: boolean,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeadlineExceededError';
  }
}

/** pg's client fields a cancel request needs (set from the server's BackendKeyData; not in @types/pg). */
interface KeyedClient {
  readonly host: string;
  readonly port: number;
  readonly processID: number | null;
  readonly secretKey: number | null;
}

const QUERY_CANCELED = '57014';

type QueryFn = (...args: unknown[]) => unknown;
type Callback<T> = (err: Error | undefined, value?: T) => void;

/** One statement under a deadline, from asking for a connection to its answer. */
interface InFlight {
  /** `performance.now()` time past which it is given up (then, while cancelling, past which the server hangs). */
  at: number;
  expire(): void;
}

/**
 * Makes a pool's `query` honour deadlines handed to it by `expect(at)`: a statement gets a connection and an answer
 * before `at`, or its connection is given up. Past `at` a cancel request goes to the server, which has
 * `cancelGraceMs` to confirm (SQLSTATE 57014); a server that does not is taken to hang, and the connection is
 * destroyed.
 */
export class StatementDeadlines {
  readonly #pool: pg.Pool;
  readonly #cancelGraceMs: number;
  readonly #inFlight = new Set<InFlight>();
  #next: number | undefined;
  #sweep: ReturnType<typeof setInterval> | undefined;
  #idleSweeps = 0;

  constructor(pool: pg.Pool, cancelGraceMs: number) {
    this.#pool = pool;
    this.#cancelGraceMs = cancelGraceMs;
    const plain = pool.query.bind(pool) as QueryFn;
    const query: QueryFn = (...args) => {
      const at = this.#next;
      this.#next = undefined;
      if (at === undefined || args.length !== 1) return plain(...args);
      return new Promise((resolve, reject) =>
        this.#query(args[0] as pg.QueryConfig, at, (err, result) => (err ? reject(err) : resolve(result))),
      );
    };
    Object.defineProperty(pool, 'query', { value: query, configurable: true, writable: true });
  }

  /** The deadline of the pool's next `query` call (made synchronously after this one), or none. */
  expect(at: number | undefined): void {
    this.#next = at;
  }

  /** Stops the sweep (the pool is ending). */
  close(): void {
    if (this.#sweep) clearInterval(this.#sweep);
    this.#sweep = undefined;
  }

  #track(entry: InFlight): void {
    this.#inFlight.add(entry);
    this.#idleSweeps = 0;
    if (this.#sweep) return;
    this.#sweep = setInterval(() => {
      if (this.#inFlight.size === 0) {
        // Stopped after a few empty sweeps, so a steady stream of reads does not start a timer for each.
        if (++this.#idleSweeps > 10) this.close();
        return;
      }
      const now = performance.now();
      for (const e of this.#inFlight) if (now >= e.at) e.expire();
    }, SWEEP_MS);
    this.#sweep.unref();
  }

  #query(config: pg.QueryConfig, at: number, done: Callback<pg.QueryResult>): void {
    let client: pg.PoolClient | undefined;
    let cancelling = false;
    const ignore = () => undefined;
    const settle = (release: boolean | Error | undefined, err?: Error, result?: pg.QueryResult) => {
      if (!this.#inFlight.delete(entry)) return;
      if (client) {
        client.removeListener('error', ignore);
        client.release(release);
      }
      done(err, result);
    };
    const entry: InFlight = {
      at,
      expire: () => {
        if (!client) {
          return settle(
            undefined,
            new DeadlineExceededError(false, 'no connection to the server before the read deadline'),
          );
        }
        if (cancelling) {
          // Neither the statement nor the cancel got an answer: the connection cannot be trusted again.
          return settle(
            true,
            new DeadlineExceededError(false, 'no answer from the server before the read deadline, nor to the cancel'),
          );
        }
        cancelling = true;
        entry.at = performance.now() + this.#cancelGraceMs;
        const { host, port, processID, secretKey } = client as unknown as KeyedClient;
        if (processID !== null && secretKey !== null) {
          void sendCancelRequest({ host, port, processID, secretKey }, this.#cancelGraceMs);
        }
      },
    };
    this.#track(entry);
    this.#pool.connect((connectError, connected) => {
      if (connectError || !connected) return settle(undefined, connectError ?? new Error('no connection'));
      // Given up before the connection came: it goes back to the pool.
      if (!this.#inFlight.has(entry)) return connected.release();
      client = connected;
      // A connection that dies while checked out must not crash the process; the running query reports it.
      client.on('error', ignore);
      client.query(config, (error: Error | null, result: pg.QueryResult) => {
        if (!error) return settle(undefined, undefined, result);
        if (cancelling && (error as { code?: unknown }).code === QUERY_CANCELED) {
          return settle(
            undefined,
            new DeadlineExceededError(true, 'the server stopped the statement at the read deadline', { cause: error }),
          );
        }
        // As pg's own Pool.query: a connection that failed a query is not reused.
        settle(error, error);
      });
    });
  }
}
