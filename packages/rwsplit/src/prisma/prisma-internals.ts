// The one place that reaches past Prisma's public types (covered by test/integration/prisma-internals.test.ts).
//
// 1. `routedClient(...)` extends the application's primary client once with a query extension that dispatches
//    each model read (outside a transaction) to `router.read`, which runs it on the chosen node's client as
//    `client[model][operation](args)` — the same dispatch @prisma/extension-read-replicas uses, without its random
//    pick or proxies. Every other operation (writes, raw SQL, anything inside a transaction) runs on the primary
//    through the WriteTracker.
// 2. `$transaction` is redefined on the routed client (and on `$primary()`'s) so an error thrown by it (a
//    connection refused while opening it, a connection lost at COMMIT) reaches failover discovery: Prisma's query
//    extensions only see the statements inside a transaction, never its start or its commit.
// 3. `inTransaction(params)` reads `__internalParams.transaction`, which Prisma passes to `$allOperations` but does
//    not type; the official extension reads it the same way.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { UsageError } from '../errors';
import type { Router } from '../load-balancing/router';
import type { NodeClient } from './node-client';
import { READ_OPERATIONS, type TransactionAttempt, type WriteTracker } from './write-tracking';

/**
 * The application's client with reads routed: every model and method of `C`, plus `$primary()` (the primary's
 * client: reads there skip routing, writes keep failover) and `$replica()` (a client whose every call is routed
 * to an eligible replica, like the extension's).
 */
export type RoutedClient<C> = C & {
  /** The primary's client: reads on it go to the primary; writes and transactions follow failover. */
  $primary(): C;
  /** A client whose every call (model reads, `$queryRaw` …) is routed like a read. Not inside a transaction. */
  $replica(): C;
};

/** Calls that must not be routed: lifecycle is managed by rwsplit, and `then` must stay undefined so the proxy
 * is not mistaken for a promise when returned from an async function. */
const NOT_ROUTED = new Set(['then', 'catch', 'finally', 'toJSON', 'constructor']);

/** A stand-in client for `$replica()`: every model call and `$` method on it is routed by `router`. */
function routingReplica(router: Router): unknown {
  const delegates = new Map<string, unknown>();
  const delegate = (model: string) => {
    let d = delegates.get(model);
    if (!d) {
      d = new Proxy(
        {},
        {
          get: (_t, operation) =>
            typeof operation !== 'string' || NOT_ROUTED.has(operation)
              ? undefined
              : (args: unknown) => router.read(operation, (c) => (c as any)[model][operation](args)),
        },
      );
      delegates.set(model, d);
    }
    return d;
  };
  return new Proxy(
    {},
    {
      get: (_t, prop) => {
        if (typeof prop !== 'string' || NOT_ROUTED.has(prop)) return undefined;
        if (prop === '$connect' || prop === '$disconnect') return async () => undefined;
        if (prop.startsWith('$')) {
          return (...args: unknown[]) => router.read(prop, (c) => (c as any)[prop](...args));
        }
        return delegate(prop);
      },
    },
  );
}

/** True when an `$allOperations` call runs inside a transaction (batch or interactive). */
export function inTransaction(params: object): boolean {
  return Boolean((params as any).__internalParams?.transaction);
}

/**
 * Wraps `client.$transaction` in place: a failure goes to `writes.transactionFailed`, which may ask for one retry.
 * Only that property is redefined on Prisma's own client object (its proxy allows it); every other access stays
 * Prisma's, so model reads pay nothing for this (a wrapping Proxy measured ~5% of a read's p50).
 */
function followTransactions<C extends object>(client: C, writes: WriteTracker): C {
  const original = (client as any).$transaction;
  const transaction = async (arg: any, options?: any) => {
    for (let retried = false; ; retried = true) {
      const attempt = { interactive: typeof arg === 'function', entered: typeof arg !== 'function', retried };
      const input =
        typeof arg === 'function'
          ? (tx: unknown) => {
              attempt.entered = true;
              return arg(tx);
            }
          : arg;
      try {
        return await original.call(client, input, options);
      } catch (err) {
        await writes.transactionFailed(err, attempt satisfies TransactionAttempt);
      }
    }
  };
  Object.defineProperty(client, '$transaction', { value: transaction, configurable: true, writable: true });
  return client;
}

/**
 * Extends the application's primary client: reads routed by `router`, writes tracked by `writes`. Returns the
 * routed client; `$primary()` on it returns a client with write tracking and no read routing.
 */
export function routedClient<C extends NodeClient>(primary: C, router: Router, writes: WriteTracker): RoutedClient<C> {
  const base = primary as any;
  const statement = (params: any) =>
    writes.run(params.operation, inTransaction(params), () => params.query(params.args));
  // `$primary()`: reads stay on the primary (reported like any read, without marking the session as written),
  // everything else is a tracked statement.
  const onPrimaryStatement = (params: any) =>
    READ_OPERATIONS.has(params.operation) && !inTransaction(params)
      ? router.readOnPrimary(params.operation, () => params.query(params.args))
      : statement(params);
  const onPrimary = followTransactions(
    base.$extends({ name: 'rwsplit-primary', query: { $allOperations: onPrimaryStatement } }),
    writes,
  );
  const replica = routingReplica(router);
  const routed = base.$extends({
    name: 'rwsplit',
    client: {
      $primary() {
        // Inside an interactive transaction `this` is the transaction's client: it stays on it.
        return typeof (this as any).$transaction === 'function' ? onPrimary : this;
      },
      $replica() {
        if (typeof (this as any).$transaction !== 'function') {
          throw new UsageError('Cannot use $replica() inside a transaction: a transaction runs on the primary.');
        }
        return replica;
      },
    },
    query: {
      $allOperations(params: any) {
        const { model, operation, args } = params;
        if (READ_OPERATIONS.has(operation) && !inTransaction(params)) {
          return router.read(operation, (c) =>
            model ? (c as any)[model][operation](args) : (c as any)[operation](args),
          );
        }
        return statement(params);
      },
    },
  });
  return followTransactions(routed, writes) as RoutedClient<C>;
}
