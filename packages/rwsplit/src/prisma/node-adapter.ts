// One node as the routing adapter reaches it: @prisma/adapter-pg over the node's own pg Pool. Statements of a
// replica read carry the read's deadline down to the pool (see statement-deadline.ts).
import { PrismaPg } from '@prisma/adapter-pg';
import type {
  ConnectionInfo,
  IsolationLevel,
  SqlDriverAdapter,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from '@prisma/driver-adapter-utils';
import type pg from 'pg';
import { StatementDeadlines } from '../postgres/statement-deadline';

const ignore = () => undefined;

export class NodeAdapter {
  readonly pool: pg.Pool;
  #adapter: SqlDriverAdapter | null = null;
  readonly #connecting: Promise<SqlDriverAdapter>;
  /** Present when statements on this node may carry a deadline (replicas). */
  readonly #deadlines: StatementDeadlines | undefined;

  /**
   * Takes `pool` over: `close()` ends it.
   * @param cancelGraceMs given: statements may carry a deadline, and a server has this long to confirm a cancel.
   */
  constructor(pool: pg.Pool, cancelGraceMs?: number) {
    this.pool = pool;
    this.#deadlines = cancelGraceMs === undefined ? undefined : new StatementDeadlines(pool, cancelGraceMs);
    // A pooled connection killed by the server emits 'error'; the next statement on this node reports it.
    const factory = new PrismaPg(pool, { disposeExternalPool: true, onPoolError: ignore, onConnectionError: ignore });
    this.#connecting = factory.connect().then((adapter) => (this.#adapter = adapter));
  }

  /** Resolves once the adapter over the pool is made (no connection is opened). */
  async ready(): Promise<void> {
    await this.#connecting;
  }

  /** Runs one statement, before `deadlineAt` (a `performance.now()` time) when one is given. */
  queryRaw(query: SqlQuery, deadlineAt?: number): Promise<SqlResultSet> {
    return this.#run((a) => a.queryRaw(query), deadlineAt);
  }

  executeRaw(query: SqlQuery, deadlineAt?: number): Promise<number> {
    return this.#run((a) => a.executeRaw(query), deadlineAt);
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    return (this.#adapter ?? (await this.#connecting)).startTransaction(isolationLevel);
  }

  async executeScript(script: string): Promise<void> {
    return (this.#adapter ?? (await this.#connecting)).executeScript(script);
  }

  connectionInfo(): ConnectionInfo | undefined {
    return this.#adapter?.getConnectionInfo?.();
  }

  /** Ends the pool once the statements in flight have finished. */
  async close(): Promise<void> {
    this.#deadlines?.close();
    await (this.#adapter ?? (await this.#connecting)).dispose().catch(ignore);
  }

  #run<T>(statement: (adapter: SqlDriverAdapter) => Promise<T>, deadlineAt: number | undefined): Promise<T> {
    const adapter = this.#adapter;
    if (!adapter) return this.#connecting.then(() => this.#run(statement, deadlineAt));
    // adapter-pg calls pool.query synchronously inside queryRaw/executeRaw: the deadline goes with that call.
    this.#deadlines?.expect(deadlineAt);
    return statement(adapter);
  }
}
