// OpenTelemetry spans for the statements rwsplit routes, when the application has `@opentelemetry/api` installed
// (an optional peer dependency: without it nothing here is loaded, and routing pays nothing). Each statement gets a
// client span naming the node that served it (`server.address`, `server.port`, `db.system.name`), rwsplit's role
// and mode, and, as span events, why a read fell back to the primary, retries, ejections and held writes. The span
// starts in the context the statement runs in, so it nests under Prisma's own spans when `@prisma/instrumentation`
// is registered, and under the application's request span otherwise.
import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import type { EventListener } from '../events';

/** What a statement's span says once it has settled. */
export interface StatementOutcome {
  /** `host:port` of the node that served it (unset when none did). */
  readonly node?: string;
  readonly role?: 'primary' | 'replica';
  /** `eventual`, `read-your-writes` or `primary` for a routed read; `write` for the primary's statements. */
  readonly mode: string;
  /** Why a read went to the primary, when it did. */
  readonly fallback?: string;
}

type Api = typeof import('@opentelemetry/api');

const TRACER_NAME = 'rwsplit';

export class StatementTracer {
  readonly #api: Api;
  readonly #tracer: Tracer;

  private constructor(api: Api) {
    this.#api = api;
    this.#tracer = api.trace.getTracer(TRACER_NAME);
  }

  /** The tracer over the application's `@opentelemetry/api`, or null when it is not installed. */
  static load(): StatementTracer | null {
    let api: Api;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      api = require('@opentelemetry/api') as Api;
    } catch {
      return null;
    }
    return new StatementTracer(api);
  }

  /**
   * Runs `run` (one statement, retries included) inside a client span named after the Prisma operation;
   * `outcome` says where it ran once it has settled.
   */
  trace<T>(operation: string, run: () => Promise<T>, outcome: () => StatementOutcome): Promise<T> {
    const attributes: Attributes = { 'db.system.name': 'postgresql', 'rwsplit.operation': operation };
    const { SpanKind, SpanStatusCode } = this.#api;
    return this.#tracer.startActiveSpan(`rwsplit ${operation}`, { kind: SpanKind.CLIENT, attributes }, (span) => {
      const settle = () => {
        if (span.isRecording()) span.setAttributes(outcomeAttributes(outcome()));
      };
      let pending: Promise<T>;
      try {
        pending = run();
      } catch (err) {
        pending = Promise.reject(err);
      }
      return pending.then(
        (result) => {
          settle();
          span.end();
          return result;
        },
        (err: unknown) => {
          settle();
          span.recordException(err instanceof Error ? err : String(err));
          span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
          span.end();
          throw err;
        },
      );
    });
  }

  /**
   * Puts rwsplit's routing events on the span of the statement they happened in (the active span): fallbacks,
   * retries, ejections, recovery conflicts and held writes. Pass it to `onEvent` with your other listeners.
   */
  readonly listener: EventListener = (event) => {
    let span: Span | undefined;
    switch (event.event) {
      case 'primary_fallback_read':
        span = this.#active();
        span?.setAttribute('rwsplit.fallback_reason', event.reason);
        span?.addEvent('rwsplit.primary_fallback', { reason: event.reason });
        return;
      case 'replica_ejected':
        span = this.#active();
        span?.addEvent('rwsplit.replica_ejected', { node: event.node, reason: event.reason });
        this.#count(span, 'rwsplit.ejections');
        return;
      case 'read_retried':
        span = this.#active();
        span?.addEvent('rwsplit.read_retried', { node: event.node, role: event.role, reason: event.reason });
        this.#count(span, 'rwsplit.retries');
        return;
      case 'recovery_conflict':
        this.#active()?.addEvent('rwsplit.recovery_conflict', { node: event.node });
        return;
      case 'write_held':
        this.#active()?.addEvent('rwsplit.write_held', { waited_ms: event.waitedMs, outcome: event.outcome });
        return;
      default:
        return;
    }
  };

  /** rwsplit's own span, if one is active (not the application's). */
  #active(): Span | undefined {
    const span = this.#api.trace.getActiveSpan();
    return span && isOurs(span) ? span : undefined;
  }

  #count(span: Span | undefined, attribute: string): void {
    if (!span) return;
    const counts = spanCounts.get(span) ?? {};
    counts[attribute] = (counts[attribute] ?? 0) + 1;
    spanCounts.set(span, counts);
    span.setAttribute(attribute, counts[attribute]);
  }
}

/** Counters per live span (retries, ejections): spans cannot be read back through the API. */
const spanCounts = new WeakMap<Span, Record<string, number>>();

/** Spans from rwsplit's tracer carry `rwsplit.operation` from the start; the API exposes only the span's name. */
function isOurs(span: Span): boolean {
  const name = (span as { name?: unknown }).name;
  return typeof name !== 'string' || name.startsWith('rwsplit ');
}

function outcomeAttributes(o: StatementOutcome): Attributes {
  const attributes: Attributes = { 'rwsplit.mode': o.mode };
  if (o.fallback) attributes['rwsplit.fallback_reason'] = o.fallback;
  if (o.role) attributes['rwsplit.role'] = o.role;
  if (o.node) {
    const at = o.node.lastIndexOf(':');
    attributes['server.address'] = at > 0 ? o.node.slice(0, at) : o.node;
    if (at > 0) attributes['server.port'] = Number(o.node.slice(at + 1));
  }
  return attributes;
}
