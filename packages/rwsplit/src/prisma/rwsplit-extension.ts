// The thin Prisma extension, and the one place that reaches past Prisma's public types (covered by
// test/integration/prisma-compatibility.test.ts).
//
// 1. `$allOperations` marks each operation (read, read kept on the primary, write) in an AsyncLocalStorage scope
//    and always calls `query(args)`: it never cuts the chain, so the application's extensions, composed before or
//    after it, run for every call. The routing adapter reads the mark for each statement.
// 2. `$transaction` is redefined (a client component) to open a scope around the call: Prisma starts and commits
//    a transaction in the caller's context, not in an operation's, so the adapter learns there whether it runs on
//    a replica (`$replica().$transaction`), and the typed error of a failed BEGIN or COMMIT reaches the caller.
//    The function form of `$extends` gives the client's own `$transaction`, which the new one calls with `this`
//    (the fully extended client), so the transaction client keeps every extension.
// 3. `$primary()` / `$replica()` return the calling client (with whatever was composed on it) extended once more
//    by a marker, cached per client. Extensions run outermost first in the order they were added, so the marker's
//    hook runs inside the operation rwsplit's hook opened, and re-marks it.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { currentSession } from '../consistency/session';
import { UsageError } from '../errors';
import type { EventListener } from '../events';
import type { Router } from '../load-balancing/router';
import {
  CompactionGroups,
  currentScope,
  OperationContext,
  type OperationKind,
  runInScope,
  Scope,
  type Via,
} from './operation-context';
import { READ_OPERATIONS } from './write-tracking';

/**
 * The application's client with reads routed: every model and method of `C`, plus `$primary()` (reads there stay
 * on the primary; writes keep failover) and `$replica()` (every call routed like a read, transactions included).
 */
export type RoutedClient<C> = C & {
  /** A client whose reads go to the primary; writes and transactions follow failover. Inside a transaction: itself. */
  $primary(): C;
  /** A client whose every call (model reads, `$queryRaw`, `$transaction`) runs on a replica. Not in a transaction. */
  $replica(): C;
};

/** An extension component rwsplit does not add to (Prisma's own notation for it). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type None = {};

/** A method that returns the client it is called on, as the client's own type. */
type SameClient = <T>(this: T) => T;

/**
 * rwsplit's extension in Prisma's function form (`client.$extends(rw.extension)`), typed as Prisma types a client
 * component: `$primary()` and `$replica()` return the client they are called on.
 */
export type RwsplitExtension = (client: any) => {
  $extends: {
    extArgs: {
      result: None;
      model: None;
      query: None;
      client: { $primary: () => SameClient; $replica: () => SameClient };
    };
  };
};

/** How an operation is routed, from its name and the `$replica()` / `$primary()` scope around it. */
function kindOf(operation: string, via: Via): OperationKind {
  if (via === 'replica') return 'read';
  if (!READ_OPERATIONS.has(operation)) return 'write';
  return via === 'primary' ? 'primary-read' : 'read';
}

/** True under a `$transaction` call: its statements run on the transaction's node, whatever the operation. */
function inTransaction(scope: Scope | undefined): boolean {
  for (let s = scope; s; s = s.parent) if (!(s instanceof OperationContext)) return true;
  return false;
}

/**
 * The extension that marks operations for the routing adapter, and emits one `query` event per operation. A read
 * whose node needs a wait (read-your-writes) waits before entering Prisma's engine (see Router.prepare).
 */
export function rwsplitExtension(
  router: Pick<Router, 'prepare'>,
  compaction: CompactionGroups,
  onEvent: EventListener,
): RwsplitExtension {
  return (client: any): any => {
    const transaction = client.$transaction;
    const markers = new WeakMap<object, Map<Via, unknown>>();

    /** `self` extended by a marker that puts its calls (and transactions) in a `via` scope. */
    const marked = (self: any, via: Via): unknown => {
      let byVia = markers.get(self);
      if (!byVia) markers.set(self, (byVia = new Map()));
      let extended = byVia.get(via);
      if (!extended) {
        extended = self.$extends({
          name: `rwsplit-${via}`,
          client: {
            $transaction(this: any, ...args: unknown[]) {
              return runInScope(new Scope(via, currentScope()), () => transaction.apply(this, args));
            },
          },
          query: {
            // Composed after rwsplit's own extension, this runs inside the operation it already marked.
            $allOperations({ operation, args, query }: any) {
              const op = currentScope();
              if (op instanceof OperationContext) op.reroute(kindOf(operation, via), via);
              return query(args);
            },
          },
        });
        byVia.set(via, extended);
      }
      return extended;
    };

    return client.$extends({
      name: 'rwsplit',
      client: {
        $primary(this: any) {
          // Inside an interactive transaction `this` is the transaction's client: it stays on it.
          return typeof this.$transaction === 'function' ? marked(this, 'primary') : this;
        },
        $replica(this: any) {
          if (typeof this.$transaction !== 'function') {
            throw new UsageError(
              'Cannot use $replica() inside a transaction: the transaction has its node. Use ' +
                '$replica().$transaction(...) for a read-only transaction on a replica.',
            );
          }
          return marked(this, 'replica');
        },
        $transaction(this: any, ...args: unknown[]) {
          const parent = currentScope();
          return runInScope(new Scope(parent?.via ?? null, parent), () => transaction.apply(this, args));
        },
      },
      query: {
        $allOperations({ model, operation, args, query }: any) {
          const parent = currentScope();
          const kind = kindOf(operation, parent?.via ?? null);
          const op = new OperationContext(operation, model, kind, currentSession(), parent);
          const leave = kind === 'read' && CompactionGroups.compactable(operation) ? compaction.enter(op) : undefined;
          const start = performance.now();
          // A `$primary()` marker composed later may still keep the read on the primary: then the wait was spent
          // for nothing but the session's position, which its next replica read needs anyway.
          const routed = kind === 'read' && !inTransaction(parent);
          return runInScope(
            op,
            () => {
              const queue = () => {
                op.queued = true;
                return query(args);
              };
              const prepared = routed ? router.prepare(op) : undefined;
              return prepared ? prepared.then(queue) : queue();
            },
            (ok) => {
              leave?.();
              if (op.served) {
                const { name: node, role } = op.served;
                onEvent({ event: 'query', node, role, operation, durationMs: performance.now() - start, ok });
              }
            },
          );
        },
      },
    });
  };
}
