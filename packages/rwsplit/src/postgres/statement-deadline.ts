// A deadline for the statements of one read: the client stops waiting when it passes, and asks the server to stop
// too (a cancel request), so an abandoned query does not run on for its full length. It is carried to the node's
// pool by AsyncLocalStorage, because @prisma/adapter-pg calls `pool.query` itself; a statement run outside
// `withDeadline` (writes, transactions, the primary) has none.
import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import { sendCancelRequest } from './cancel-request';

/** When the statements run inside `withDeadline` must have answered, on `performance.now()`'s clock. */
const deadlines = new AsyncLocalStorage<number>();

/** Runs `fn` with a statement deadline at `at` (a `performance.now()` time). */
export function withDeadline<T>(at: number, fn: () => Promise<T>): Promise<T> {
  return deadlines.run(at, fn);
}

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

/**
 * Makes `pool.query` honour `withDeadline`: a statement under a deadline gets a connection and an answer before it,
 * or its connection is given up. Past the deadline a cancel request goes to the server, which has `cancelGraceMs`
 * to confirm (SQLSTATE 57014); a server that does not is taken to hang, and the connection is destroyed.
 */
export function enforceDeadlines(pool: pg.Pool, cancelGraceMs: number): void {
  const plain = pool.query.bind(pool) as QueryFn;
  const query: QueryFn = (...args) => {
    const at = deadlines.getStore();
    if (at === undefined || args.length !== 1) return plain(...args);
    return queryBefore(pool, args[0] as pg.QueryConfig, at, cancelGraceMs);
  };
  Object.defineProperty(pool, 'query', { value: query, configurable: true, writable: true });
}

const sleep = (ms: number) =>
  new Promise<'expired'>((resolve) => {
    setTimeout(() => resolve('expired'), Math.max(0, ms)).unref();
  });

async function connectBefore(pool: pg.Pool, at: number): Promise<pg.PoolClient> {
  const connecting = pool.connect();
  const first = await Promise.race([connecting, sleep(at - performance.now())]);
  if (first !== 'expired') return first;
  // The connection may still come: it goes back to the pool then.
  connecting.then(
    (client) => client.release(),
    () => undefined,
  );
  throw new DeadlineExceededError(false, 'no connection to the server before the read deadline');
}

/** Runs `config` on a connection of `pool`, within the deadline `at`. */
async function queryBefore(
  pool: pg.Pool,
  config: pg.QueryConfig,
  at: number,
  cancelGraceMs: number,
): Promise<pg.QueryResult> {
  const client = await connectBefore(pool, at);
  // As pg's own Pool.query: a connection that dies while checked out must not crash the process; the running
  // query reports the failure.
  const ignore = () => undefined;
  client.on('error', ignore);
  try {
    return await answerBefore(client, config, at, cancelGraceMs);
  } finally {
    client.removeListener('error', ignore);
  }
}

async function answerBefore(
  client: pg.PoolClient,
  config: pg.QueryConfig,
  at: number,
  cancelGraceMs: number,
): Promise<pg.QueryResult> {
  const running = client.query(config);
  // Settled either way: the result, or the error pg reports.
  const settled = running.then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
  let outcome = await Promise.race([settled, sleep(at - performance.now())]);
  if (outcome === 'expired') {
    const { host, port, processID, secretKey } = client as unknown as KeyedClient;
    if (processID !== null && secretKey !== null) {
      void sendCancelRequest({ host, port, processID, secretKey }, cancelGraceMs);
    }
    outcome = await Promise.race([settled, sleep(cancelGraceMs)]);
    if (outcome === 'expired') {
      // Neither the statement nor the cancel got an answer: the connection cannot be trusted again.
      client.release(true);
      throw new DeadlineExceededError(false, 'no answer from the server before the read deadline, nor to the cancel');
    }
    if ('error' in outcome && (outcome.error as { code?: unknown }).code === QUERY_CANCELED) {
      client.release();
      throw new DeadlineExceededError(true, 'the server stopped the statement at the read deadline', {
        cause: outcome.error,
      });
    }
  }
  if ('error' in outcome) {
    // As pg's own Pool.query: a connection that failed a query is not reused.
    client.release(outcome.error as Error);
    throw outcome.error;
  }
  client.release();
  return outcome.result;
}
