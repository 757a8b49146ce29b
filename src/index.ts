// rwsplit's public API, and nothing else.

// The routed client: health-aware replica reads, read-your-writes scopes, primary fallback, failover discovery.
export {
  createRwsplit,
  createRwsplitFromConfig,
  type Rwsplit,
  type RwsplitOptions,
  type RoutedClient,
  type ReplicaSnapshot,
} from './routing/routed-client';
export type { SessionOptions } from './routing/session';
// Custom strategies and schedulers: what a strategy receives (ReplicaHost with its HostHealth) and the timer
// interface a test or an embedding app can inject.
export { roundRobin, leastLag, type SelectionStrategy } from './routing/host-list';
export type { ReplicaHost, HostHealth, LagThresholds } from './routing/replica-host';
export type { Scheduler } from './routing/health-checker';
export { withRemoteApply, NoSynchronousStandbyError, requiredSyncStandbys } from './routing/remote-apply';
export { NoReplicaAvailableError } from './routing/router';
export { SplitBrainError, NoPrimaryError } from './routing/primary-discovery';
export { WriteOutcomeUnknownError } from './routing/write-tracking';
export {
  fanOut,
  type EventListener,
  type RwsplitEvent,
  type RwsplitEventName,
  type NodeRole,
  type EjectionReason,
} from './routing/events';

// The bare extension wiring (random replica, no health), kept for comparison and simple setups.
export { createReplicatedClient, type ReplicatedClient } from './routing/replicated-client';

// Configuration from the environment.
export { loadConfig, maskUrl, ConfigError, type Config, type ConsistencyMode } from './config';

// The writer with its psql / docker exec fallback.
export {
  WriterService,
  WriterFallbackError,
  type WriteResult,
  type WriterServiceOptions,
} from './writer/writer-service';

// Metrics.
export { createMetrics, type RwsplitMetrics } from './metrics/create-metrics';
export { metricsHandler, startMetricsServer } from './metrics/metrics-handler';

// Error classification.
export { isConnectionError, isReadOnlyTransaction } from './db/errors';
