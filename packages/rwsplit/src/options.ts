// Every option of createRwsplit, with its default documented where it is defined, and its validation: a bad
// option is refused at once with a ConfigError naming it, never ignored.
import { z } from 'zod';
import { ConfigError } from './errors';
import type { EventListener } from './events';
import type { Scheduler } from './load-balancing/health-checker';
import type { SelectionStrategy } from './load-balancing/host-list';
import { maskUrl, parsePostgresUrl } from './postgres/postgres-url';
import type { ClientOptionsOf, NodeClient, PoolOptions, PrismaClientClass } from './prisma/node-client';
import { fixedTopology, type TopologySource } from './topology/topology-source';
import { type ConsistencyMode, DEFAULTS } from './defaults';

export { type ConsistencyMode, DEFAULTS } from './defaults';

/** The options a Prisma user passes; only `PrismaClient` and `primaryUrl` are required. */
export interface RwsplitOptions<P extends PrismaClientClass = PrismaClientClass> {
  /**
   * The application's generated PrismaClient class. rwsplit makes ONE client of it over its routing adapter, which
   * holds one pg Pool per node.
   */
  readonly PrismaClient: P;
  /**
   * The primary's URL (the fixed topology). Required unless `topology` is given.
   * @example 'postgresql://app:pw@db-primary:5432/app'
   */
  readonly primaryUrl?: string;
  /** The replicas' URLs (the fixed topology). Default none (every read goes to the primary). */
  readonly replicaUrls?: readonly string[];
  /**
   * Where the nodes come from instead of primaryUrl/replicaUrls: an HA manager that moves the leader and adds or
   * removes replicas, read on an interval and at once after a write error. Default: the fixed list.
   * @example topology: patroniTopology({ restUrls: ['http://10.0.0.1:8008'], databaseUrl: 'postgresql://app:pw@x/app' })
   */
  readonly topology?: TopologySource;
  /**
   * Options for the PrismaClient constructor (the adapter is rwsplit's): `log`, `errorFormat`, `transactionOptions`,
   * `omit`, `comments` … Default none.
   */
  readonly clientOptions?: ClientOptionsOf<P>;
  /** pg Pool settings for every node (ssl, idleTimeoutMillis …); they win over poolSize/connectTimeoutMs. */
  readonly pool?: PoolOptions;
  /** A replica is fresh enough when its replay lag is at most this many ms… Default 1000. */
  readonly maxLagMs?: number;
  /** …or at most this many bytes of WAL behind (covers an idle primary). Default 1 MiB. */
  readonly maxLagBytes?: number;
  /** Health checks run per replica at a random interval in [min, max] ms. Default [1000, 2000]. */
  readonly checkIntervalMs?: readonly [number, number];
  /** Reads go to the primary when no replica is eligible; off → they fail with NoReplicaAvailableError. Default true. */
  readonly fallbackToPrimary?: boolean;
  /** Consistency of reads inside `session()` when it names none. Default `read-your-writes`. */
  readonly consistency?: ConsistencyMode;
  /** How long a read-your-writes read may wait for a replica to catch up, in ms. Default 0 (go to the primary). */
  readonly readYourWritesWaitMs?: number;
  /** How to choose among eligible replicas. Default `leastOutstanding()`: fewest reads in flight, ties at random. */
  readonly strategy?: SelectionStrategy;
  /** Receives structured events (queries, ejections, fallbacks, failover). Default: silence. */
  readonly onEvent?: EventListener;
  /** Pool size of each node's pg Pool. Default 10. */
  readonly poolSize?: number;
  /**
   * Pool size of the primary's pg Pool, when it should differ from the replicas' (writes are usually fewer than
   * reads). Default `poolSize`.
   */
  readonly primaryPoolSize?: number;
  /** Pool size of each replica's pg Pool. Default `poolSize`. */
  readonly replicaPoolSize?: number;
  /**
   * How long a pooled connection may stay idle before it is closed, in ms, for every pool rwsplit opens (reads,
   * writes, health checks, positions): at many processes × nodes, idle connections are most of the server's count.
   * Default 10000 (pg's).
   */
  readonly idleTimeoutMs?: number;
  /** Connect timeout for every pool, in ms. Default 3000. */
  readonly connectTimeoutMs?: number;
  /**
   * How long a health-check, caught-up or primary-position query may go unanswered, in ms; a replica whose check
   * times out (e.g. a hung server that still accepts connections) counts as unreachable. Default: `connectTimeoutMs`.
   */
  readonly checkTimeoutMs?: number;
  /**
   * The deadline budget of one read across its replica attempts, in ms. Past it the client stops waiting and sends
   * the replica PostgreSQL's cancel request, so the server stops the statement too (no startup parameter: PgBouncer
   * forwards cancel requests). A replica that confirms the cancel is healthy: it stays in rotation, and the read
   * fails with ReadTimeoutError, not retried (it would be as slow elsewhere, and retrying multiplies the load). A
   * replica that answers neither (hung, partitioned) is ejected and the primary serves the read, with
   * `fallbackToPrimary`. A replica that refuses or drops the connection is ejected and the next replica is tried
   * within the budget. Writes and transactions never have a deadline. Default 10000.
   */
  readonly replicaReadTimeoutMs?: number;
  /**
   * How long what needs the primary waits for one when there is none (a failover in progress: the old one is gone,
   * the new one not yet promoted), asking every node every 100 ms. Each waits, then runs once on the primary found:
   * - a write or a transaction refused before it ran (connection refused or timed out, the node read-only);
   * - a read that failed on the primary (it is idempotent): on a replica that may serve it, or the new primary;
   * - a read-your-writes read that needs the primary's WAL position.
   * Past it they fail with NoPrimaryError. A write that was sent when its connection broke is never retried: it
   * fails at once with WriteOutcomeUnknownError. 0: no wait (one discovery, one retry). Default 10000.
   */
  readonly failoverWaitMs?: number;
  /**
   * How many writes may wait for a primary at once (see failoverWaitMs); past it a write fails at once with
   * WriteQueueFullError, which says it did not run. Default 1000.
   */
  readonly maxHeldWrites?: number;
  /**
   * Route `$queryRaw` / `$queryRawUnsafe` / TypedSQL outside transactions like model reads when PostgreSQL's own
   * parser finds them read-only (no write, no row lock, no call of a function such as nextval()). Writes and
   * anything unparsable stay on the primary. Default false: raw SQL runs on the primary unless sent with
   * `$replica()`, which refuses what is not read-only (NotReadOnlyError) before sending it.
   */
  readonly routeRawReads?: boolean;
  /**
   * Where reads outside a `session()` go. `replica` (the default): eligible replicas, eventually consistent.
   * `primary`: the primary, unless a call opts in with `$replica()` or runs in a session whose mode says otherwise,
   * for teams that move reads to replicas one call site at a time. Sessions keep their own mode either way.
   */
  readonly defaultReads?: 'replica' | 'primary';
  /**
   * OpenTelemetry spans for every statement rwsplit routes (the node that served it, rwsplit's role and mode,
   * fallbacks, retries, ejections), through the application's `@opentelemetry/api` when it is installed; without
   * the package nothing is loaded. Default true; false turns them off.
   */
  readonly tracing?: boolean;
  /**
   * Monotonic reads in sessions (every mode but `primary`): once a session's read has seen a state, no later read of
   * it sees an older one. The session stays on the replica its last read used while that replica may serve; one
   * that must leave it (ejected, lagging, or not caught up with the session's writes) goes to a replica that has
   * the primary's position as of then, else the primary. The causal token carries it to the next request.
   * false: only read-your-writes (a session's reads may move between replicas and see an older state). Default true.
   */
  readonly monotonicReads?: boolean;
  /**
   * Signs causal tokens (HMAC-SHA256) so that a client cannot forge or alter one; unsigned and badly signed tokens
   * are then refused (CausalTokenError). A list rotates: the first signs, any verifies. Every instance of an
   * application must share it; keep it with your other secrets (at least 16 characters; 32 random bytes, e.g.
   * `openssl rand -base64 32`). Default none: tokens are unsigned, and still refused when they claim more than the
   * primary has.
   */
  readonly tokenSecret?: string | readonly string[];
  /** Timers and randomness for health checks (tests inject their own). Default: real timers. */
  readonly scheduler?: Scheduler;
}

/** The consistency modes, for the `consistency` option and `session({ mode })` alike. */
const consistencySchema = z.enum(['eventual', 'read-your-writes', 'primary'], {
  error: 'must be one of eventual, read-your-writes, primary',
});

const ms = (name: string, min: number) =>
  z
    .number({ error: `${name} must be a number of ms` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be ≥ ${min}`);

const optionsSchema = z.object({
  PrismaClient: z.custom<PrismaClientClass<NodeClient>>((v) => typeof v === 'function', {
    error:
      'PrismaClient must be your generated PrismaClient class (the `PrismaClient` export of your prisma-client output)',
  }),
  primaryUrl: z.unknown().optional(),
  replicaUrls: z.array(z.unknown(), { error: 'replicaUrls must be an array of postgres URLs' }).optional(),
  topology: z
    .custom<TopologySource>(
      (v) => typeof v === 'object' && v !== null && typeof (v as TopologySource).read === 'function',
      'topology must be a topology source, e.g. patroniTopology({ restUrls, databaseUrl })',
    )
    .optional(),
  clientOptions: z.object({}, { error: 'clientOptions must be an object' }).loose().default({}),
  pool: z.object({}, { error: 'pool must be an object of pg Pool settings' }).loose().default({}),
  maxLagMs: ms('maxLagMs', 0).default(DEFAULTS.maxLagMs),
  maxLagBytes: z.number().int().min(0, 'maxLagBytes must be ≥ 0').default(DEFAULTS.maxLagBytes),
  checkIntervalMs: z
    .tuple([ms('checkIntervalMs[0]', 10), ms('checkIntervalMs[1]', 10)], {
      error: 'checkIntervalMs must be [min, max] in ms',
    })
    .refine(([min, max]) => max >= min, 'checkIntervalMs must be [min, max] with min ≤ max')
    .default([...DEFAULTS.checkIntervalMs]),
  fallbackToPrimary: z
    .boolean({ error: 'fallbackToPrimary must be true or false' })
    .default(DEFAULTS.fallbackToPrimary),
  consistency: consistencySchema.default(DEFAULTS.consistency),
  readYourWritesWaitMs: ms('readYourWritesWaitMs', 0).default(DEFAULTS.readYourWritesWaitMs),
  strategy: z.custom<SelectionStrategy>((v) => typeof v === 'function', 'strategy must be a function').optional(),
  onEvent: z.custom<EventListener>((v) => typeof v === 'function', 'onEvent must be a function').optional(),
  poolSize: z.number().int().min(1, 'poolSize must be ≥ 1').default(DEFAULTS.poolSize),
  primaryPoolSize: z.number().int().min(1, 'primaryPoolSize must be ≥ 1').optional(),
  replicaPoolSize: z.number().int().min(1, 'replicaPoolSize must be ≥ 1').optional(),
  idleTimeoutMs: ms('idleTimeoutMs', 1).default(DEFAULTS.idleTimeoutMs),
  connectTimeoutMs: ms('connectTimeoutMs', 1).default(DEFAULTS.connectTimeoutMs),
  checkTimeoutMs: ms('checkTimeoutMs', 1).optional(),
  replicaReadTimeoutMs: ms('replicaReadTimeoutMs', 1).default(DEFAULTS.replicaReadTimeoutMs),
  failoverWaitMs: ms('failoverWaitMs', 0).default(DEFAULTS.failoverWaitMs),
  tokenSecret: z
    .union([z.string(), z.array(z.string()).min(1, 'tokenSecret must list at least one secret')], {
      error: 'tokenSecret must be a string or a list of strings',
    })
    .optional()
    .refine(
      (v) => (v === undefined ? true : (Array.isArray(v) ? v : [v]).every((s) => s.length >= 16)),
      'tokenSecret must be at least 16 characters (32 random bytes are better: `openssl rand -base64 32`)',
    ),
  monotonicReads: z.boolean({ error: 'monotonicReads must be true or false' }).default(DEFAULTS.monotonicReads),
  tracing: z.boolean({ error: 'tracing must be true or false' }).default(DEFAULTS.tracing),
  defaultReads: z
    .enum(['replica', 'primary'], { error: "defaultReads must be 'replica' or 'primary'" })
    .default(DEFAULTS.defaultReads),
  routeRawReads: z.boolean({ error: 'routeRawReads must be true or false' }).default(DEFAULTS.routeRawReads),
  maxHeldWrites: z
    .number({ error: 'maxHeldWrites must be a number' })
    .int('maxHeldWrites must be a whole number')
    .min(0, 'maxHeldWrites must be ≥ 0')
    .default(DEFAULTS.maxHeldWrites),
  scheduler: z.custom<Scheduler>((v) => typeof v === 'object' && v !== null, 'scheduler must be an object').optional(),
});

/** Validated options with every default filled in, frozen. */
export type ResolvedOptions = Readonly<
  Omit<z.infer<typeof optionsSchema>, 'primaryUrl' | 'replicaUrls' | 'checkTimeoutMs' | 'topology' | 'tokenSecret'> & {
    topology: TopologySource;
    checkTimeoutMs: number;
    /** tokenSecret as a list (none: tokens are unsigned). */
    tokenSecrets: readonly string[];
  }
>;

/** The first zod issue as one line naming the option. */
function firstIssue(error: z.ZodError, prefix: string): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? issue.path.map(String).join('.') : '';
  return `${prefix}${where ? ` ${where}` : ''}: ${issue?.message ?? 'invalid'}`;
}

/** The options of a health checker without a router (createHealthChecker), under createRwsplit's own rules. */
const healthCheckSchema = optionsSchema.pick({
  maxLagMs: true,
  maxLagBytes: true,
  checkIntervalMs: true,
  connectTimeoutMs: true,
  checkTimeoutMs: true,
  onEvent: true,
  scheduler: true,
});

export type ResolvedHealthCheckOptions = Readonly<
  Omit<z.infer<typeof healthCheckSchema>, 'checkTimeoutMs'> & { checkTimeoutMs: number }
>;

/**
 * Validates a health checker's options (the URLs aside) as createRwsplit validates the same options, and fills in
 * the defaults.
 * @throws ConfigError naming the first bad option, e.g. "createHealthChecker option maxLagMs: maxLagMs must be ≥ 0".
 */
export function resolveHealthCheckOptions(options: unknown): ResolvedHealthCheckOptions {
  const parsed = healthCheckSchema.safeParse(options);
  if (!parsed.success) throw new ConfigError(firstIssue(parsed.error, 'createHealthChecker option'));
  return Object.freeze({ ...parsed.data, checkTimeoutMs: parsed.data.checkTimeoutMs ?? parsed.data.connectTimeoutMs });
}

/** A session's mode, validated like the `consistency` option (an unknown mode is refused, never ignored). */
export function sessionMode(mode: unknown, fallback: ConsistencyMode): ConsistencyMode {
  if (mode === undefined) return fallback;
  const parsed = consistencySchema.safeParse(mode);
  if (!parsed.success) {
    throw new ConfigError(
      `session option mode ${parsed.error.issues[0]?.message ?? 'is invalid'} (got ${JSON.stringify(mode)}).`,
    );
  }
  return parsed.data;
}

/**
 * Validates `options` and fills in the defaults.
 * @throws ConfigError naming the first bad option, e.g. "rwsplit option maxLagMs: maxLagMs must be ≥ 0".
 */
export function resolveOptions(options: RwsplitOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('createRwsplit needs an options object: { PrismaClient, primaryUrl, replicaUrls }.');
  }
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw new ConfigError(firstIssue(parsed.error, 'rwsplit option'));
  const o = parsed.data;
  if (o.topology) {
    if (o.primaryUrl !== undefined || o.replicaUrls !== undefined) {
      throw new ConfigError(
        'rwsplit options: give either topology or primaryUrl/replicaUrls, not both (the topology names the nodes).',
      );
    }
  } else if (o.primaryUrl === undefined) {
    throw new ConfigError(
      "rwsplit option primaryUrl is required (or a topology source): e.g. 'postgresql://app:pw@db-primary:5432/app'.",
    );
  }
  const { primaryUrl, replicaUrls, topology, tokenSecret, ...rest } = o;
  return Object.freeze({
    ...rest,
    topology: topology ?? fixedTopology(...fixedUrls(primaryUrl, replicaUrls ?? [])),
    // A node that accepts connections but never answers is detected as fast as one that is down.
    checkTimeoutMs: o.checkTimeoutMs ?? o.connectTimeoutMs,
    tokenSecrets: Object.freeze(
      tokenSecret === undefined ? [] : Array.isArray(tokenSecret) ? [...tokenSecret] : [tokenSecret],
    ),
  });
}

/** Which server and database a URL names: host names compare without case, the port defaults to 5432. */
const serverKey = (u: URL) => `${u.hostname.toLowerCase()}:${u.port || 5432}${u.pathname}`;

/** Validates the fixed topology's URLs: each a postgres URL, no replica that is the primary, none listed twice. */
function fixedUrls(rawPrimary: unknown, rawReplicas: readonly unknown[]): [string, string[]] {
  const primaryKey = serverKey(parsePostgresUrl(rawPrimary, 'primaryUrl'));
  const seen = new Map<string, number>();
  const replicaUrls = rawReplicas.map((url, i) => {
    const key = serverKey(parsePostgresUrl(url, `replicaUrls[${i}]`));
    if (key === primaryKey) {
      throw new ConfigError(
        `replicaUrls[${i}] (${maskUrl(String(url))}) is the primary itself. Remove it: reads would not be offloaded, ` +
          'and read-your-writes would be meaningless.',
      );
    }
    const first = seen.get(key);
    if (first !== undefined) {
      throw new ConfigError(
        `replicaUrls[${i}] (${maskUrl(String(url))}) names the same server and database as replicaUrls[${first}]. ` +
          'List each replica once: rwsplit health-checks, balances and reports replicas by server.',
      );
    }
    seen.set(key, i);
    return String(url).trim();
  });
  return [String(rawPrimary).trim(), replicaUrls];
}
