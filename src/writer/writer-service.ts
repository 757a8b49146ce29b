// The writer: inserts into test_replication through Prisma on the primary, and only when the primary cannot be
// reached over TCP, through psql (local, or inside the primary's container). Query errors never fall back.
import type { WriterEvent } from './writer-events';
import type { Config } from '../config';
import { maskUrl } from '../config';
import { type PrismaClient, createNodeClient } from '../db/node-client';
import { assertWritable } from './copy-text';
import { isPrimaryUnreachable } from './primary-unreachable';
import { type FallbackVia, PsqlFallback } from './psql-fallback';

/** What the writer needs of a PrismaClient for the primary. */
export type WriterPrimaryClient = Pick<PrismaClient, 'testReplication' | '$disconnect'>;

/** Which route wrote the row. */
export type WriteVia = 'prisma' | FallbackVia;

export interface WriteResult {
  /** The id of the row written (test_replication.id). */
  readonly id: number;
  readonly via: WriteVia;
}

/**
 * Structured events, with stable names (see writer-events.ts):
 * - `writer_fallback`: the primary was unreachable over TCP and the write is going through `via`;
 * - `writer_fallback_failed`: that fallback failed too (`reason` says why).
 */
export type { WriterEvent };

export interface WriterServiceOptions {
  /** The primary's client. Default `createNodeClient(config.primaryUrl, { connectTimeoutMs })`, closed by `close()`. */
  readonly primary?: WriterPrimaryClient;
  /** Receives structured events (e.g. for metrics). Default: silent. */
  readonly onEvent?: (event: WriterEvent) => void;
  /** Extra environment for psql/docker, e.g. `{ PATH }` to choose which executables run. Default: none. */
  readonly env?: Readonly<Record<string, string>>;
  /** How long one fallback psql run may take, in ms. Default 30 000. */
  readonly psqlTimeoutMs?: number;
}

/** The primary was unreachable and the fallback was off or failed; `cause` is the original connection error. */
export class WriterFallbackError extends Error {
  override readonly name = 'WriterFallbackError';
  constructor(
    message: string,
    /** The fallback route that was tried, or `off`. */
    readonly via: FallbackVia | 'off',
    /** The connection error that made the writer fall back. */
    cause: unknown,
    /** Why the fallback failed (absent when it is off). */
    readonly fallbackError?: unknown,
  ) {
    super(message, { cause });
  }
}

/** The gist of an error in one line: Prisma puts the server's answer on the last line of a long message. */
function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const lines = message.split('\n').filter((l) => l.trim() !== '');
  return (lines[lines.length - 1] ?? message).trim().replace(/postgres(?:ql)?:\/\/[^\s"']+/g, (u) => maskUrl(u));
}

export class WriterService {
  readonly #config: Config;
  readonly #primary: WriterPrimaryClient;
  readonly #ownsPrimary: boolean;
  readonly #onEvent: (event: WriterEvent) => void;
  readonly #fallback: PsqlFallback | undefined;

  constructor(config: Config, options: WriterServiceOptions = {}) {
    this.#config = config;
    this.#ownsPrimary = options.primary === undefined;
    this.#primary =
      options.primary ?? createNodeClient(config.primaryUrl, { connectTimeoutMs: config.writer.connectTimeoutMs });
    this.#onEvent = options.onEvent ?? (() => undefined);
    const w = config.writer;
    this.#fallback =
      w.fallback === 'off'
        ? undefined
        : new PsqlFallback({
            via: w.fallback,
            primaryUrl: config.primaryUrl,
            psqlHost: w.psqlHost,
            psqlPort: w.psqlPort,
            psqlPath: w.psqlPath,
            dockerContainer: w.dockerContainer,
            env: options.env,
            timeoutMs: options.psqlTimeoutMs,
          });
  }

  /**
   * Inserts one row and returns its id and the route taken. A value PostgreSQL text cannot hold (NUL, lone
   * surrogate) is refused before anything is sent. Query errors (constraints, missing table …) surface unchanged.
   */
  async write(data: string): Promise<WriteResult> {
    assertWritable(data);
    let connectionError: unknown;
    try {
      const row = await this.#primary.testReplication.create({ data: { data }, select: { id: true } });
      return { id: row.id, via: 'prisma' };
    } catch (err) {
      if (!isPrimaryUnreachable(err)) throw err;
      connectionError = err;
    }
    const reason = reasonOf(connectionError);
    if (!this.#fallback) {
      throw new WriterFallbackError(
        `The primary is unreachable over TCP (${reason}) and the write fallback is off (WRITER_FALLBACK=off). ` +
          'Bring the primary back, or set WRITER_FALLBACK=psql or docker-exec.',
        'off',
        connectionError,
      );
    }
    const via = this.#fallback.via;
    this.#onEvent({ event: 'writer_fallback', via, reason });
    try {
      return await this.#fallback.write(data);
    } catch (fallbackError) {
      const why = fallbackError instanceof Error ? fallbackError.message : String(fallbackError);
      this.#onEvent({ event: 'writer_fallback_failed', via, reason: why });
      throw new WriterFallbackError(
        `The primary is unreachable over TCP (${reason}), and the ${via} fallback failed too: ${why}`,
        via,
        connectionError,
        fallbackError,
      );
    }
  }

  /** The configured fallback route, or `off`. */
  get fallback(): FallbackVia | 'off' {
    return this.#config.writer.fallback;
  }

  /** Closes the primary's client when this service created it. */
  async close(): Promise<void> {
    if (this.#ownsPrimary) await this.#primary.$disconnect();
  }
}
