// npm run metrics [-- --port 9464 --host 127.0.0.1]: serves /metrics for Prometheus, with live health checks.
import { Command } from 'commander';
import { loadConfig } from '../src/config';
import { runMain } from '../src/cli/run-main';
import { DEFAULT_METRICS_PORT } from 'rwsplit/metrics';
import { serveClusterMetrics } from '../src/metrics/serve-cluster-metrics';

const program = new Command('metrics')
  .description('Serve rwsplit_* Prometheus metrics at /metrics, fed by a health-check loop over the configured nodes')
  .option('--port <port>', 'TCP port (0 = any free port)', (v) => Number.parseInt(v, 10), DEFAULT_METRICS_PORT)
  .option('--host <host>', 'interface to listen on', '127.0.0.1')
  .option('--interval <ms>', 'health-check interval in ms', (v) => Number.parseInt(v, 10), 1000)
  .parse();

const opts = program.opts<{ port: number; host: string; interval: number }>();

runMain(async () => {
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new Error(`--port must be a port number 0-65535 (got ${opts.port}).`);
  }
  if (!Number.isFinite(opts.interval) || opts.interval < 100) {
    throw new Error(`--interval must be a number of ms >= 100 (got ${opts.interval}).`);
  }
  const service = await serveClusterMetrics({
    config: loadConfig(),
    port: opts.port,
    host: opts.host,
    intervalMs: opts.interval,
  });
  console.log(`serving metrics at ${service.server.url} (health checks every ${opts.interval} ms); Ctrl-C to stop`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await service.close();
});
