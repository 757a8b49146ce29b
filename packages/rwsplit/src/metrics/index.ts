// rwsplit/metrics: Prometheus metrics driven by rwsplit's events. A separate entry point, so an application that
// does not use Prometheus never loads prom-client (an optional peer dependency).
export { createMetrics, QUERY_DURATION_BUCKETS, type MetricsOptions, type RwsplitMetrics } from './create-metrics';
export {
  metricsHandler,
  startMetricsServer,
  DEFAULT_METRICS_PORT,
  METRICS_PATH,
  type MetricsServer,
  type MetricsServerOptions,
  type RequestHandler,
} from './metrics-handler';
