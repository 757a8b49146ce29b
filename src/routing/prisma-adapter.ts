// The one place that reaches past Prisma's public types (covered by __tests__/routing/prisma-adapter.test.ts).
//
// 1. `routingReplica(router)` is what we hand @prisma/extension-read-replicas as its only "replica". The
//    extension dispatches a model read as `replica[model][operation](args)` (and `$replica()` returns the
//    replica itself); the proxy turns each of those calls into `router.read(...)`, which picks the eligible node.
//    That keeps the official extension as the dispatch layer without forking it.
// 2. `inTransaction(params)` reads `__internalParams.transaction`, which Prisma passes to `$allOperations` but does
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

/** True when an `$allOperations` call runs inside a transaction (batch or interactive). */
export function inTransaction(params: object): boolean {
  return Boolean((params as any).__internalParams?.transaction);
}
