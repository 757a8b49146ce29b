// The one module that reads the environment. Everything else receives a frozen `Config`.
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, DEFAULTS as ROUTING_DEFAULTS, type ConsistencyMode, parsePostgresUrl, shownValue } from 'rwsplit';
import { clusterBaseDir } from './cluster/cluster-base-dir';

// The library's URL and error helpers, for the application's modules.
export { ConfigError, maskUrl, parsePostgresUrl, shownValue, type ConsistencyMode } from 'rwsplit';

/** Where the project lives: the local cluster's data folder is resolved against it. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** How a write reaches the primary when Prisma cannot connect over TCP. */
export type WriterFallbackMode = 'psql' | 'docker-exec' | 'off';

export interface LocalClusterConfig {
  /**
   * Data folder of the local cluster. Env `RWSPLIT_CLUSTER_DIR` (a relative path counts from the project folder);
   * default `<project>/.cluster`. As root, when a folder above the project lets other accounts not through (a clone
   * under a 0700 /root), `<tmp>/rwsplit-<hash>` stands in for the project folder (see `clusterBaseDir` in cluster/cluster-base-dir.ts).
   */
  readonly dir: string;
  /** Loopback address the nodes listen on. Always `127.0.0.1`. */
  readonly host: string;
  /**
   * Ports: the primary first, then one per standby. Env `RWSPLIT_CLUSTER_PORTS`;
   * default `15432,15433,15434` (a primary and two standbys), away from a system server's 5432 and below Linux's
   * ephemeral range (32768-60999), where an outgoing connection may take a stopped node's port and block its restart.
   */
  readonly ports: readonly number[];
  /** Database the application uses. Always `rwsplit`. */
  readonly database: string;
  /** Application role (owner of the database, member of pg_monitor). */
  readonly appUser: string;
  readonly appPassword: string;
  /** Replication role, separate from the application role. */
  readonly replicationUser: string;
  readonly replicationPassword: string;
  /** Superuser, reached over the cluster's Unix socket only (trust), for admin work and fault injection. */
  readonly adminUser: string;
  /**
   * How many standbys the primary names in `synchronous_standby_names` (ANY n), so that writes asking for
   * `remote_apply` wait for them. Env `RWSPLIT_SYNC_STANDBYS`; default 0 (asynchronous replication).
   */
  readonly syncStandbys: number;
}

export interface WriterConfig {
  /**
   * The fallback route for writes when the primary is unreachable over TCP. Env `WRITER_FALLBACK`:
   * `psql` (a local psql over the primary's Unix socket or host), `docker-exec`
   * (`docker exec -i <container> psql`), or `off`. Default `psql`.
   */
  readonly fallback: WriterFallbackMode;
  /** Container that runs the primary, for `docker-exec`. Env `WRITER_DOCKER_CONTAINER`; default `postgres-primary`. */
  readonly dockerContainer: string;
  /** The psql executable. Env `WRITER_PSQL`; default the newest Debian one (/usr/lib/postgresql/<major>/bin), else `psql` on PATH. */
  readonly psqlPath: string | undefined;
  /**
   * Host (or Unix socket folder) the local psql fallback connects to. Env `WRITER_PSQL_HOST`; default the local
   * cluster's socket folder when `DATABASE_URL` is unset, else the host of `DATABASE_URL`.
   */
  readonly psqlHost: string;
  /** Port for the psql fallback. Env `WRITER_PSQL_PORT`; default the primary's port. */
  readonly psqlPort: number;
  /** Connect timeout of each node's pool (primary and replicas), in ms. Env `WRITER_CONNECT_TIMEOUT_MS`; default 3000. */
  readonly connectTimeoutMs: number;
}

export interface RoutingConfig {
  /** A replica is fresh enough when its replay lag is at most this many ms. Env `RWSPLIT_MAX_LAG_MS`; default 1000. */
  readonly maxLagMs: number;
  /**
   * …or when it is at most this many bytes of WAL behind the primary (covers an idle primary, where time lag
   * grows with nothing missing). Env `RWSPLIT_MAX_LAG_BYTES`; default 1 MiB.
   */
  readonly maxLagBytes: number;
  /** Health checks run at a random interval in [min, max] ms. Env `RWSPLIT_CHECK_INTERVAL_MS=min-max`; default 1000-2000. */
  readonly checkIntervalMs: readonly [number, number];
  /** Reads go to the primary when no replica is eligible. Env `RWSPLIT_FALLBACK_TO_PRIMARY`; default true. */
  readonly fallbackToPrimary: boolean;
  /** Default consistency inside a session scope. Env `RWSPLIT_CONSISTENCY`; default `read-your-writes`. */
  readonly consistency: ConsistencyMode;
  /** How long a read-your-writes read may wait for a replica to catch up, in ms. Env `RWSPLIT_RYW_WAIT_MS`; default 0. */
  readonly readYourWritesWaitMs: number;
  /**
   * How long a health-check, caught-up or primary-position query may go unanswered, in ms; a replica whose check
   * times out counts as unreachable. Env `RWSPLIT_CHECK_TIMEOUT_MS`; default the connect timeout.
   */
  readonly checkTimeoutMs: number;
  /**
   * Secrets that sign causal tokens (the first signs, any verifies: list a new one first to rotate). Env
   * `RWSPLIT_TOKEN_SECRET`, comma-separated; every instance must share it. Default none (unsigned tokens).
   */
  readonly tokenSecrets: readonly string[];
}

export interface Config {
  /** The primary's URL. Env `DATABASE_URL`; default the local cluster's primary. */
  readonly primaryUrl: string;
  /** The standbys' URLs. Env `REPLICA_URLS` (comma-separated); default the local cluster's standbys. */
  readonly replicaUrls: readonly string[];
  /** True when `DATABASE_URL` is unset, so the project runs (and may start) its own local cluster. */
  readonly usesLocalCluster: boolean;
  readonly cluster: LocalClusterConfig;
  readonly writer: WriterConfig;
  readonly routing: RoutingConfig;
  /**
   * Prisma's native schema engine, when present. Env `PRISMA_SCHEMA_ENGINE_BINARY`. Without it (offline),
   * `npm run db:migrate` applies migrations with the project's own applier.
   */
  readonly schemaEngine: string | undefined;
  /**
   * Data folder of the local HA cluster (etcd + Patroni). Env `RWSPLIT_HA_DIR` (a relative path counts from the
   * cluster base, like RWSPLIT_CLUSTER_DIR); default `.cluster-ha`.
   */
  readonly haDir: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const intFrom = (name: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));

const boolFrom = (name: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: `${name} must be true or false` }))
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  DATABASE_URL: z.string().optional(),
  REPLICA_URLS: z.string().optional(),
  RWSPLIT_CLUSTER_DIR: z.string().min(1).optional(),
  RWSPLIT_CLUSTER_PORTS: z
    .string()
    .transform((s) => s.split(',').map((p) => p.trim()))
    .pipe(
      z
        .array(intFrom('each port in RWSPLIT_CLUSTER_PORTS', 1024, 65535))
        .min(2, 'RWSPLIT_CLUSTER_PORTS needs a primary port and at least one standby port')
        .refine((ports) => new Set(ports).size === ports.length, 'RWSPLIT_CLUSTER_PORTS has a port twice'),
    )
    .optional(),
  RWSPLIT_SYNC_STANDBYS: intFrom('RWSPLIT_SYNC_STANDBYS', 0, 16).optional(),
  WRITER_FALLBACK: z
    .enum(['psql', 'docker-exec', 'off'], { error: 'WRITER_FALLBACK must be one of psql, docker-exec, off' })
    .optional(),
  WRITER_DOCKER_CONTAINER: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'WRITER_DOCKER_CONTAINER must be a container name like postgres-primary')
    .optional(),
  WRITER_PSQL: z.string().min(1).optional(),
  WRITER_PSQL_HOST: z.string().min(1).optional(),
  WRITER_PSQL_PORT: intFrom('WRITER_PSQL_PORT', 1, 65535).optional(),
  WRITER_CONNECT_TIMEOUT_MS: intFrom('WRITER_CONNECT_TIMEOUT_MS', 1, 600_000).optional(),
  RWSPLIT_MAX_LAG_MS: intFrom('RWSPLIT_MAX_LAG_MS', 0).optional(),
  RWSPLIT_MAX_LAG_BYTES: intFrom('RWSPLIT_MAX_LAG_BYTES', 0).optional(),
  RWSPLIT_CHECK_INTERVAL_MS: z
    .string()
    .regex(/^\s*\d+\s*(-\s*\d+\s*)?$/, 'RWSPLIT_CHECK_INTERVAL_MS must be "min-max" in ms, e.g. 1000-2000')
    .transform((s) => {
      const [min, max = min] = s.split('-').map((p) => Number(p.trim()));
      return [min, max] as [number, number];
    })
    .refine(([min, max]) => min >= 10 && max >= min, 'RWSPLIT_CHECK_INTERVAL_MS needs 10 <= min <= max')
    .optional(),
  RWSPLIT_FALLBACK_TO_PRIMARY: boolFrom('RWSPLIT_FALLBACK_TO_PRIMARY').optional(),
  RWSPLIT_CONSISTENCY: z
    .enum(['eventual', 'read-your-writes', 'primary'], {
      error: 'RWSPLIT_CONSISTENCY must be one of eventual, read-your-writes, primary',
    })
    .optional(),
  RWSPLIT_RYW_WAIT_MS: intFrom('RWSPLIT_RYW_WAIT_MS', 0, 60_000).optional(),
  RWSPLIT_CHECK_TIMEOUT_MS: intFrom('RWSPLIT_CHECK_TIMEOUT_MS', 1, 600_000).optional(),
  RWSPLIT_TOKEN_SECRET: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()))
    .refine(
      (secrets) => secrets.every((s) => s.length >= 16),
      'RWSPLIT_TOKEN_SECRET: each comma-separated secret must be at least 16 characters (e.g. `openssl rand -base64 32`)',
    )
    .optional(),
  RWSPLIT_HA_DIR: z.string().min(1).optional(),
  PRISMA_SCHEMA_ENGINE_BINARY: z.string().optional(),
});

/** Empty strings count as unset, so `FOO= npm run demo` behaves like no FOO at all. */
function withoutEmpty(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') out[key] = value;
  }
  return out;
}

/** This project's cluster folder base (see clusterBaseDir); a relative `RWSPLIT_CLUSTER_DIR` resolves against it. */
export const CLUSTER_BASE = clusterBaseDir(PROJECT_ROOT);

/** The local cluster's URL for node `index` (0 is the primary). */
export function localNodeUrl(cluster: LocalClusterConfig, index: number): string {
  const port = cluster.ports[index];
  if (port === undefined) throw new ConfigError(`The local cluster has no node ${index}.`);
  const user = encodeURIComponent(cluster.appUser);
  const password = encodeURIComponent(cluster.appPassword);
  return `postgresql://${user}:${password}@${cluster.host}:${port}/${cluster.database}`;
}

/** The folder holding the local cluster's Unix sockets. */
export function localSocketDir(cluster: LocalClusterConfig): string {
  return path.join(cluster.dir, 'run');
}

/**
 * Reads and validates the environment. Throws `ConfigError` naming the variable on a bad value.
 * @example loadConfig({ DATABASE_URL: 'postgresql://app:pw@db:5432/app', REPLICA_URLS: 'postgresql://app:pw@r1:5432/app' })
 */
export function loadConfig(env: Env = process.env): Config {
  const parsed = envSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    const value = env[variable];
    const shown = value === undefined ? '' : ` (got "${shownValue(value)}")`;
    throw new ConfigError(`${variable}: ${issue?.message ?? 'invalid value'}${shown}`);
  }
  const e = parsed.data;

  const cluster: LocalClusterConfig = Object.freeze({
    dir: path.resolve(CLUSTER_BASE, e.RWSPLIT_CLUSTER_DIR ?? '.cluster'),
    host: '127.0.0.1',
    ports: Object.freeze(e.RWSPLIT_CLUSTER_PORTS ?? [15432, 15433, 15434]),
    database: 'rwsplit',
    appUser: 'rwsplit',
    appPassword: 'rwsplit-dev',
    replicationUser: 'replicator',
    replicationPassword: 'replicator-dev',
    adminUser: 'postgres',
    syncStandbys: e.RWSPLIT_SYNC_STANDBYS ?? 0,
  });
  if (cluster.syncStandbys > cluster.ports.length - 1) {
    throw new ConfigError(
      `RWSPLIT_SYNC_STANDBYS is ${cluster.syncStandbys} but the local cluster has only ${cluster.ports.length - 1} standbys.`,
    );
  }

  const usesLocalCluster = e.DATABASE_URL === undefined;
  const primaryUrl = usesLocalCluster ? localNodeUrl(cluster, 0) : e.DATABASE_URL!.trim();
  const primary = parsePostgresUrl(primaryUrl, 'DATABASE_URL');

  let replicaUrls: string[];
  if (e.REPLICA_URLS !== undefined) {
    replicaUrls = e.REPLICA_URLS.split(',').map((u) => u.trim());
    replicaUrls.forEach((u, i) => {
      if (u === '') throw new ConfigError(`REPLICA_URLS entry ${i + 1} is empty. Separate URLs with single commas.`);
      parsePostgresUrl(u, `REPLICA_URLS entry ${i + 1}`);
    });
  } else if (usesLocalCluster) {
    replicaUrls = cluster.ports.slice(1).map((_, i) => localNodeUrl(cluster, i + 1));
  } else {
    replicaUrls = [];
  }

  const writer: WriterConfig = Object.freeze({
    fallback: e.WRITER_FALLBACK ?? 'psql',
    dockerContainer: e.WRITER_DOCKER_CONTAINER ?? 'postgres-primary',
    psqlPath: e.WRITER_PSQL,
    psqlHost: e.WRITER_PSQL_HOST ?? (usesLocalCluster ? localSocketDir(cluster) : primary.hostname),
    psqlPort: e.WRITER_PSQL_PORT ?? Number(primary.port || 5432),
    connectTimeoutMs: e.WRITER_CONNECT_TIMEOUT_MS ?? ROUTING_DEFAULTS.connectTimeoutMs,
  });

  const routing: RoutingConfig = Object.freeze({
    maxLagMs: e.RWSPLIT_MAX_LAG_MS ?? ROUTING_DEFAULTS.maxLagMs,
    maxLagBytes: e.RWSPLIT_MAX_LAG_BYTES ?? ROUTING_DEFAULTS.maxLagBytes,
    checkIntervalMs: e.RWSPLIT_CHECK_INTERVAL_MS
      ? Object.freeze(e.RWSPLIT_CHECK_INTERVAL_MS)
      : ROUTING_DEFAULTS.checkIntervalMs,
    fallbackToPrimary: e.RWSPLIT_FALLBACK_TO_PRIMARY ?? ROUTING_DEFAULTS.fallbackToPrimary,
    consistency: e.RWSPLIT_CONSISTENCY ?? ROUTING_DEFAULTS.consistency,
    readYourWritesWaitMs: e.RWSPLIT_RYW_WAIT_MS ?? ROUTING_DEFAULTS.readYourWritesWaitMs,
    checkTimeoutMs: e.RWSPLIT_CHECK_TIMEOUT_MS ?? writer.connectTimeoutMs,
    tokenSecrets: Object.freeze(e.RWSPLIT_TOKEN_SECRET ?? []),
  });

  return Object.freeze({
    primaryUrl,
    replicaUrls: Object.freeze(replicaUrls),
    usesLocalCluster,
    cluster,
    writer,
    routing,
    schemaEngine: e.PRISMA_SCHEMA_ENGINE_BINARY,
    haDir: path.resolve(CLUSTER_BASE, e.RWSPLIT_HA_DIR ?? '.cluster-ha'),
  });
}
