// rwsplit below Prisma: a driver adapter (Prisma's public SqlDriverAdapterFactory) over one @prisma/adapter-pg per
// node. The application builds ONE PrismaClient over it, so its own extensions, the Fluent API, omit, the query log
// and Prisma's errors work as on a plain client. Each statement goes to the node chosen for it:
// - inside a transaction: the transaction's node (the primary; a replica for `$replica().$transaction`);
// - outside, a read operation: the node the router chose for the operation (all its statements go there);
// - everything else: the primary, with failover discovery (WriteTracker).
import type {
  ConnectionInfo,
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from '@prisma/driver-adapter-utils';
import type { Router, Target } from '../load-balancing/router';
import { currentSession } from '../consistency/session';
import { CompactionGroups, currentScope, OperationContext, type Scope } from './operation-context';
import { NotReadOnlyError } from '../errors';
import type { ReadOnlySql } from '../sql/read-only-sql';
import type { StatementTracer } from '../tracing/statement-tracer';
import type { NodeAdapter } from './node-adapter';
import type { WriteTracker } from './write-tracking';

const ADAPTER_NAME = 'rwsplit';

/** What the routing adapter routes with. */
export interface RoutingParts {
  readonly router: Router;
  readonly writes: WriteTracker;
  /** The primary's node (its pool follows failover). */
  readonly primary: NodeAdapter;
  readonly compaction: CompactionGroups;
  /** Judges raw SQL for replicas. */
  readonly readOnlySql: ReadOnlySql;
  /** Read-only raw queries outside transactions are routed like reads (option routeRawReads). */
  readonly routeRawReads: boolean;
  /** Spans for statements, when `@opentelemetry/api` is installed and tracing is on. */
  readonly tracer: StatementTracer | null;
}

/** Prisma's raw SQL operations: their SQL is judged before it may run on a replica. */
const RAW_OPERATIONS = new Set(['$queryRaw', '$queryRawUnsafe', '$queryRawTyped', '$executeRaw', '$executeRawUnsafe']);
/** The raw operations that return rows, which routeRawReads may send to a replica. */
const RAW_QUERIES = new Set(['$queryRaw', '$queryRawUnsafe', '$queryRawTyped']);

/** `rw.adapter`: pass it to your PrismaClient as `adapter`, and add `rw.extension`. */
export class RoutingAdapterFactory implements SqlDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName = ADAPTER_NAME;
  readonly #parts: RoutingParts;

  constructor(parts: RoutingParts) {
    this.#parts = parts;
  }

  async connect(): Promise<SqlDriverAdapter> {
    await this.#parts.primary.ready();
    return new RoutingAdapter(this.#parts);
  }
}

type Statement<T> = (node: NodeAdapter, deadlineAt?: number) => Promise<T>;

class RoutingAdapter implements SqlDriverAdapter {
  readonly provider = 'postgres';
  readonly adapterName = ADAPTER_NAME;
  readonly #parts: RoutingParts;

  constructor(parts: RoutingParts) {
    this.#parts = parts;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.#statement(query, (node, at) => node.queryRaw(query, at));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.#statement(query, (node, at) => node.executeRaw(query, at));
  }

  executeScript(script: string): Promise<void> {
    return this.#parts.writes.run('executeScript', false, () => this.#parts.primary.executeScript(script));
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const scope = currentScope();
    try {
      return scope?.via === 'replica'
        ? await this.#replicaTransaction(isolationLevel)
        : await this.#primaryTransaction(isolationLevel);
    } catch (err) {
      scope?.report(err);
      throw err;
    }
  }

  getConnectionInfo(): ConnectionInfo {
    return this.#parts.primary.connectionInfo() ?? { supportsRelationJoins: true };
  }

  /** The nodes belong to rwsplit (`rw.close()` ends them), not to one PrismaClient. */
  async dispose(): Promise<void> {}

  #statement<T>(query: SqlQuery, run: Statement<T>): Promise<T> {
    const scope = currentScope();
    const op = scope instanceof OperationContext ? scope : undefined;
    if (op && !op.dispatched && !op.judged && this.#judges(op)) return this.#judged(op, query, run);
    if (op && !op.dispatched) {
      if (op.kind === 'read' && CompactionGroups.compactable(op.operation)) this.#parts.compaction.join(op);
      op.dispatched = true;
    }
    const tracer = this.#parts.tracer;
    if (!tracer) return this.#route(scope, op, run);
    return tracer.trace(
      op?.operation ?? 'statement',
      () => this.#route(scope, op, run),
      () => ({ node: op?.served?.name, role: op?.served?.role, mode: modeOf(op), fallback: op?.target?.fallback }),
    );
  }

  /** Runs a statement outside a transaction on its node (see the file's header). */
  #route<T>(scope: Scope | undefined, op: OperationContext | undefined, run: Statement<T>): Promise<T> {
    // A routed read: the router reports the error it ends with to the operation itself (no handler added here).
    if (op?.kind === 'read' && !op.primaryOnly) {
      return this.#parts.router.read(op, (target, at) => {
        op.servedBy(target);
        return run(target.node, at);
      });
    }
    const { writes, primary, router } = this.#parts;
    op?.servedBy(router.primaryTarget());
    // A read kept on the primary (`$primary()`) marks no session as written.
    const pending =
      op?.kind === 'read' || op?.kind === 'primary-read'
        ? run(primary)
        : writes.run(op?.operation ?? 'statement', false, () => run(primary));
    return scope ? pending.catch((err: unknown) => reported(scope, err)) : pending;
  }

  /** Raw SQL whose SQL decides where it may run: `$replica()`'s, and raw queries with routeRawReads. */
  #judges(op: OperationContext): boolean {
    if (!RAW_OPERATIONS.has(op.operation)) return false;
    return op.kind === 'read' || (op.kind === 'write' && this.#parts.routeRawReads && RAW_QUERIES.has(op.operation));
  }

  /**
   * Judges raw SQL by PostgreSQL's parser before it is sent: `$replica()` refuses what is not read-only
   * (NotReadOnlyError); with routeRawReads, a read-only query is routed as a read, anything else stays a write.
   */
  async #judged<T>(op: OperationContext, query: SqlQuery, run: Statement<T>): Promise<T> {
    const verdict = await this.#parts.readOnlySql.verdict(query.sql);
    if (op.kind === 'read' && !verdict.readOnly) {
      reported(
        op,
        new NotReadOnlyError(
          `$replica() refused this ${op.operation} before sending it: ${verdict.reason}. A replica cannot run it. ` +
            'Run it on the primary: call it without $replica().',
        ),
      );
    }
    if (verdict.readOnly) op.reroute('read', op.via);
    op.judged = true;
    return this.#statement(query, run);
  }

  /** A transaction on the primary: BEGIN is retried once after failover discovery (nothing of it has run). */
  async #primaryTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const { writes, primary, router } = this.#parts;
    const tx = await writes.begin(() => primary.startTransaction(isolationLevel));
    const target = router.primaryTarget();
    return routedTransaction(tx, target, this.#parts.tracer, (name, statement) => writes.run(name, true, statement));
  }

  /**
   * `$replica().$transaction`: a read-only snapshot on one replica chosen like a read (or the primary, read-only,
   * when none may serve it).
   */
  async #replicaTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const request = { operation: '$transaction', sessions: [currentSession()], optedIn: true };
    let chosen: Target | undefined;
    const tx = await this.#parts.router.read(request, (target) => {
      chosen = target;
      return target.node.startTransaction(isolationLevel);
    });
    if (chosen?.role === 'primary') {
      await tx.executeRaw({ sql: 'SET TRANSACTION READ ONLY', args: [], argTypes: [] });
    }
    return routedTransaction(tx, chosen!, this.#parts.tracer, (_name, statement) => statement());
  }
}

/** The mode a statement ran under, for its span: a read's consistency, or `write` for the primary's statements. */
function modeOf(op: OperationContext | undefined): string {
  if (op?.kind === 'primary-read') return 'primary';
  if (op?.kind !== 'read' || op.primaryOnly) return 'write';
  const required = op.requirement;
  if (required === 'primary') return 'primary';
  return required ? 'read-your-writes' : 'eventual';
}

/** Records a typed error on the scope (so the caller gets it, not Prisma's copy) and rethrows it. */
function reported(scope: Scope, err: unknown): never {
  scope.report(err);
  throw err;
}

/** A transaction whose statements run through `through` (write tracking on the primary) and note their node. */
function routedTransaction(
  tx: Transaction,
  target: Target,
  tracer: StatementTracer | null,
  through: <T>(name: string, statement: () => Promise<T>) => Promise<T>,
): Transaction {
  const mode = target.role === 'replica' ? 'read-only transaction' : 'transaction';
  const statement = <T>(sql: string, run: () => Promise<T>): Promise<T> => {
    const scope = currentScope();
    const op = scope instanceof OperationContext ? scope : undefined;
    op?.servedBy(target);
    const name = /^\s*COMMIT/i.test(sql) ? 'COMMIT' : (op?.operation ?? 'statement');
    const traced = tracer
      ? () =>
          tracer.trace(
            name,
            () => through(name, run),
            () => ({ node: target.name, role: target.role, mode }),
          )
      : () => through(name, run);
    const pending = traced();
    return scope ? pending.catch((err: unknown) => reported(scope, err)) : pending;
  };
  return {
    provider: tx.provider,
    adapterName: ADAPTER_NAME,
    options: tx.options,
    queryRaw: (query) => statement(query.sql, () => tx.queryRaw(query)),
    executeRaw: (query) => statement(query.sql, () => tx.executeRaw(query)),
    commit: () => tx.commit(),
    rollback: () => tx.rollback(),
    ...(tx.createSavepoint && { createSavepoint: (name: string) => tx.createSavepoint!(name) }),
    ...(tx.rollbackToSavepoint && { rollbackToSavepoint: (name: string) => tx.rollbackToSavepoint!(name) }),
    ...(tx.releaseSavepoint && { releaseSavepoint: (name: string) => tx.releaseSavepoint!(name) }),
  };
}
