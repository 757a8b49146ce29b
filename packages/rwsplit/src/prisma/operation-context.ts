// What the routing adapter learns about each statement: the Prisma operation it belongs to, carried from the
// thin extension by AsyncLocalStorage (a PrismaPromise runs in the context that awaits it, and Prisma runs the
// statements of an operation there too). Scopes nest: a `$transaction` call or a `$replica()` / `$primary()`
// client opens one, and the operations under it inherit where they must run.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Session } from '../consistency/session';
import type { NodeRole } from '../events';
import type { ReadRequest, Target } from '../load-balancing/router';
import { RwsplitError } from '../errors';

/** How an operation is routed: a read (replica first), a read kept on the primary, or a write. */
export type OperationKind = 'read' | 'primary-read' | 'write';

/** Set by `$replica()` / `$primary()`: where the operations and transactions under the scope must run. */
export type Via = 'replica' | 'primary' | null;

/** A scope: a `$transaction` call, a `$replica()` / `$primary()` client's call, or one operation. */
export class Scope {
  #via: Via;
  /** A typed error the adapter raised under this scope. Prisma re-wraps what an adapter throws; this is the original. */
  error: RwsplitError | undefined;

  constructor(
    via: Via,
    readonly parent: Scope | undefined,
  ) {
    this.#via = via;
  }

  get via(): Via {
    return this.#via;
  }

  protected set via(via: Via) {
    this.#via = via;
  }

  /** Records a typed error here and in every enclosing scope (the `$transaction` call that surfaces it too). */
  report(err: unknown): void {
    if (!(err instanceof RwsplitError)) return;
    this.error ??= err;
    this.parent?.report(err);
  }

  /**
   * The error to give the caller in place of `err`: the typed error the adapter raised, when `err` is Prisma's copy
   * of it (same code) or the error itself; otherwise `err`.
   */
  original(err: unknown): unknown {
    const typed = this.error;
    if (!typed || err === typed) return err;
    return (err as { code?: unknown } | null)?.code === typed.code ? typed : err;
  }
}

/** No peers, and outside any session: shared, so an operation allocates no array for them. */
const NONE: readonly OperationContext[] = Object.freeze([]);
const NO_SESSION: readonly (Session | undefined)[] = Object.freeze([undefined]);

/** One Prisma operation (a model call or raw SQL), as the extension marked it. */
export class OperationContext extends Scope implements ReadRequest {
  sessions: readonly (Session | undefined)[];
  requirement?: ReadRequest['requirement'];
  target?: Target;
  budgetEndsAt?: number;
  attemptStartedAt?: number;
  /** The node that served the operation's last statement (for its `query` event). */
  served: { readonly name: string; readonly role: NodeRole } | undefined;
  /** Other operations Prisma compacted into this one's statement: they share its node and its errors. */
  peers: readonly OperationContext[] = NONE;
  /** A compacted call must read the primary (one of them came through `$primary()`). */
  primaryOnly = false;
  /** rwsplit's SqlCommenter plugin saw this operation's statement, and whether Prisma compacted others into it. */
  commented = false;
  compacted = false;
  /** Handed to Prisma's engine (after any wait for its node): from then on Prisma may compact it into a statement. */
  queued = false;
  /** Its first statement has gone to the adapter (a call compacted into another's never gets one). */
  dispatched = false;
  /** Raw SQL whose statement PostgreSQL's parser has judged (see the routing adapter). */
  judged = false;

  #kind: OperationKind;

  constructor(
    readonly operation: string,
    readonly model: string | undefined,
    kind: OperationKind,
    readonly session: Session | undefined,
    parent: Scope | undefined,
  ) {
    super(parent?.via ?? null, parent);
    this.#kind = kind;
    this.sessions = session ? [session] : NO_SESSION;
  }

  get kind(): OperationKind {
    return this.#kind;
  }

  /** Sent with `$replica()` (see ReadRequest.optedIn). */
  get optedIn(): boolean {
    return this.via === 'replica';
  }

  /** Marked again by a `$replica()` / `$primary()` client composed after rwsplit's extension. */
  reroute(kind: OperationKind, via: Via): void {
    this.#kind = kind;
    this.via = via;
  }

  /** Notes who served a statement, on this operation and on those compacted with it. */
  servedBy(target: { readonly name: string; readonly role: NodeRole }): void {
    this.served = target;
    for (const peer of this.peers) peer.served = target;
  }

  override report(err: unknown): void {
    super.report(err);
    for (const peer of this.peers) peer.report(err);
  }
}

const scopes = new AsyncLocalStorage<Scope>();

/** The innermost scope of the running code, if any. */
export function currentScope(): Scope | undefined {
  return scopes.getStore();
}

/**
 * Runs `fn` (which makes a Prisma call) in `scope`, starting it there: a PrismaPromise is lazy, and calling its
 * `then` inside the scope makes its statements run there. A typed error raised under the scope replaces Prisma's
 * copy of it. `after` (if given) learns how the call settled, before the caller does.
 */
export function runInScope<T>(scope: Scope, fn: () => PromiseLike<T>, after?: (ok: boolean) => void): Promise<T> {
  return scopes.run(scope, () =>
    fn().then(
      (result) => {
        after?.(true);
        return result;
      },
      (err: unknown) => {
        after?.(false);
        throw scope.original(err);
      },
    ),
  ) as Promise<T>;
}

/**
 * `findUnique` calls made in the same tick are compacted by Prisma into one statement, which runs in the first
 * caller's context only. The calls in flight per model are kept here, so that statement can be routed for all of
 * them (the strictest session wins). Calls still in flight but not in that batch only make it stricter.
 */
export class CompactionGroups {
  readonly #open = new Map<string, Set<OperationContext>>();

  /** True for the operations Prisma compacts. */
  static compactable(operation: string): boolean {
    return operation === 'findUnique' || operation === 'findUniqueOrThrow';
  }

  /** Registers an operation until it settles. */
  enter(op: OperationContext): () => void {
    const key = op.model ?? '';
    let open = this.#open.get(key);
    if (!open) this.#open.set(key, (open = new Set()));
    open.add(op);
    return () => {
      open.delete(op);
    };
  }

  /**
   * Before `op`'s first statement: when Prisma compacted calls into it (or, without rwsplit's commenter plugin,
   * when it may have), it answers for every same-model call queued in Prisma whose own statement has not gone out.
   * A node chosen for `op` alone beforehand is dropped: the router chooses again for all of them.
   */
  join(op: OperationContext): void {
    if (op.commented && !op.compacted) return;
    const open = this.#open.get(op.model ?? '');
    if (!open || open.size < 2) return;
    const peers = [...open].filter((p) => p !== op && p.queued && !p.dispatched);
    if (peers.length === 0) return;
    op.peers = peers;
    op.primaryOnly = peers.some((p) => p.kind !== 'read');
    op.sessions = [op.session, ...peers.map((p) => p.session)];
    op.requirement = undefined;
    op.target = undefined;
  }
}

/** The part of Prisma's SqlCommenter context rwsplit reads. */
export interface CommenterContext {
  readonly query: { readonly type: string };
}

/**
 * A SqlCommenter plugin that adds no comment: it tells the routing adapter which statements Prisma compacted from
 * several `findUnique` calls, so only those are routed for every call in flight (see CompactionGroups).
 */
export function compactionCommenter(context: CommenterContext): Record<string, string> {
  const op = currentScope();
  if (op instanceof OperationContext) {
    op.commented = true;
    if (context.query.type === 'compacted') op.compacted = true;
  }
  return {};
}
