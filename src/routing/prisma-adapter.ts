// The one place that reaches past Prisma's public types (covered by __tests__/routing/prisma-adapter.test.ts).
//
// 1. `routingReplica(router)` is what we hand @prisma/extension-read-replicas as its only "replica". The
//    extension dispatches a model read as `replica[model][operation](args)` (and `$replica()` returns the
//    replica itself); the proxy turns each of those calls into `router.read(...)`, which picks the eligible node.
//    That keeps the official extension as the dispatch layer without forking it.
// 2. `followTransactions(client, onError)` redefines `$transaction` on the routed client so an error thrown by it
//    (a connection refused while opening it, a connection lost at COMMIT) reaches failover discovery: Prisma's
//    query extensions only see the statements inside a transaction, never its start or its commit.
// 3. `inTransaction(params)` reads `__internalParams.transaction`, which Prisma passes to `$allOperations` but does
//    not type; the official extension reads it the same way.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { PrismaClient } from '../db/node-client';
import type { Router } from './router';

/** Calls that must not be routed: lifecycle is managed by rwsplit, and `then` must stay undefined so the proxy
 * is not mistaken for a promise when returned from an async function. */
const NOT_ROUTED = new Set(['then', 'catch', 'finally', 'toJSON', 'constructor']);

/** A stand-in PrismaClient whose every model read and `$` method is routed by `router`. */
export function routingReplica(router: Router): PrismaClient {
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
  const replica = new Proxy(
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
  return replica as PrismaClient;
}

/** What `followTransactions` knows about a failed `$transaction` call. */
export interface TransactionAttempt {
  /** An interactive transaction (a callback), as opposed to a batch (an array of queries). */
  readonly interactive: boolean;
  /** The callback was entered: statements may have run. Always true for a batch. */
  readonly entered: boolean;
  /** This attempt is already the retry. */
  readonly retried: boolean;
}

/**
 * Decides what to do when `$transaction` fails: resolve 'retry' to run it once more (only an interactive
 * transaction whose callback never ran), or throw the error to surface.
 */
export type TransactionErrorHandler = (err: unknown, attempt: TransactionAttempt) => Promise<'retry'>;

/** Clients whose `$transaction` is already wrapped (`$primary()` may hand out the same client again). */
const following = new WeakSet<object>();

/**
 * Wraps `client.$transaction` (and that of the client `$primary()` returns) in place: a failure goes to `onError`,
 * which may ask for one retry. Only those two properties are redefined on Prisma's own client object (its proxy
 * allows it); every other access stays Prisma's, so model reads pay nothing for this (a wrapping Proxy cost ~5% of
 * a read's p50 in `npm run bench`).
 */
export function followTransactions<C extends object>(client: C, onError: TransactionErrorHandler): C {
  if (following.has(client)) return client;
  const original = (client as any).$transaction;
  const transaction = async (arg: any, options?: any) => {
    for (let retried = false; ; retried = true) {
      let entered = typeof arg !== 'function';
      const input =
        typeof arg === 'function'
          ? (tx: unknown) => {
              entered = true;
              return arg(tx);
            }
          : arg;
      try {
        return await original.call(client, input, options);
      } catch (err) {
        await onError(err, { interactive: typeof arg === 'function', entered, retried });
      }
    }
  };
  Object.defineProperty(client, '$transaction', { value: transaction, configurable: true, writable: true });
  const primary = (client as any).$primary;
  if (typeof primary === 'function') {
    // `$primary()` hands out the client below the read-replicas extension: its transactions must follow too.
    const primaryFollowing = () => followTransactions(primary.call(client), onError);
    Object.defineProperty(client, '$primary', { value: primaryFollowing, configurable: true, writable: true });
  }
  following.add(client);
  return client;
}

/** True when an `$allOperations` call runs inside a transaction (batch or interactive). */
export function inTransaction(params: object): boolean {
  return Boolean((params as any).__internalParams?.transaction);
}
