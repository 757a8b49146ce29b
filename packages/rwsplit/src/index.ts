// rwsplit's public API, and nothing else. Metrics live in the separate entry point `rwsplit/metrics`.

// The routed client: health-aware replica reads, read-your-writes scopes, primary fallback, failover discovery.
export {
  createRwsplit,
  type Rwsplit,
  type RoutingStats,
  type OnLog,
  type QueryLogEvent,
  type LogMessageEvent,
} from './create-rwsplit';
export { DEFAULTS, type RwsplitOptions, type ConsistencyMode } from './options';
export type { RoutedClient, RwsplitExtension } from './prisma/rwsplit-extension';
export type { RoutingAdapterFactory } from './prisma/routing-adapter';
export {
  createNodeClient,
  type NodeClient,
  type NodeClientOptions,
  type PrismaClientClass,
  type ClientOptionsOf,
  type PoolOptions,
} from './prisma/node-client';
export { READ_OPERATIONS } from './prisma/write-tracking';
export type { SessionOptions } from './consistency/session';
export { encodeCausalToken, decodeCausalToken, CausalTokens, type TokenClaim } from './consistency/causal-token';
export { withRemoteApply, requiredSyncStandbys } from './consistency/remote-apply';

// Topology sources: the fixed list (primaryUrl/replicaUrls), or Patroni.
export { fixedTopology, type TopologySource, type Topology, type TopologyMember } from './topology/topology-source';
export { patroniTopology, type PatroniTopologyOptions } from './topology/patroni-topology';
export {
  readPatroniCluster,
  type ReadPatroniClusterOptions,
  type PatroniCluster,
  type PatroniMember,
} from './topology/patroni-cluster';

// Custom strategies and schedulers: what a strategy receives (ReplicaHost with its HostHealth) and the timer
// interface a test or an embedding app can inject.
export { leastOutstanding, roundRobin, leastLag, type SelectionStrategy } from './load-balancing/host-list';
export {
  ineligibility,
  type ReplicaHost,
  type ReplicaSnapshot,
  type LagThresholds,
} from './load-balancing/replica-host';
export type { Scheduler } from './load-balancing/health-checker';

// Replica health without a router (a monitor, a metrics exporter): one check of one replica, or the router's
// health checker on its own, with its events.
export { checkReplicaHealth, type CheckReplicaHealthOptions, type HostHealth } from './load-balancing/replica-health';
export {
  createHealthChecker,
  type HealthCheckerOptions,
  type ReplicaHealthChecker,
} from './load-balancing/create-health-checker';

// Events.
export {
  fanOut,
  type EventListener,
  type RwsplitEvent,
  type RwsplitEventName,
  type NodeRole,
  type EjectionReason,
} from './events';

// Errors: one base class with a stable `code`.
export {
  RwsplitError,
  type RwsplitErrorCode,
  ConfigError,
  NoReplicaAvailableError,
  NoPrimaryError,
  SplitBrainError,
  WriteOutcomeUnknownError,
  WriteQueueFullError,
  NotReadOnlyError,
  TransactionNotRunError,
  NoSynchronousStandbyError,
  CausalTokenError,
  type CausalTokenRefusal,
  LsnFormatError,
  ReplicaUnreachableError,
  PrimaryUnreachableError,
  UsageError,
  TopologyUnavailableError,
  ReadTimeoutError,
  QueryTimeoutError,
} from './errors';

// PostgreSQL helpers the router is built on, for applications that watch replication themselves.
export {
  isConnectionError,
  isReadOnlyTransaction,
  isConnectionRefused,
  isTimeout,
  isUnreachable,
  isNotPrimary,
  causeChain,
} from './postgres/connection-errors';
export { parseLsn, formatLsn, compareLsn, lsnDiff, hasReached, MAX_LSN, type LsnText } from './postgres/lsn';
export { parsePostgresUrl, maskUrl, shownValue } from './postgres/postgres-url';
export { nodeAddress, type NodeAddress } from './postgres/node-address';
export { describeTarget, type PgTarget } from './postgres/pg-target';
export { queryOnce, withConnection } from './postgres/query-once';
export {
  WAL_INSERT_END_LSN,
  END_OF_LAST_RECORD_AT,
  REPLAYED_UP_TO,
  SYNC_STANDBY_STATE,
  REPLICA_HEALTH,
} from './postgres/queries';

// Raw SQL judged by PostgreSQL's own parser (what `$replica()` and routeRawReads use).
export { ReadOnlySql, NOT_READ_ONLY_FUNCTIONS, type SqlVerdict } from './sql/read-only-sql';
