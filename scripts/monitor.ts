// npm run monitor [-- --interval 1000] [-- --metrics-url http://127.0.0.1:9464/metrics] [-- --json] [-- --once]:
// a live view of each node, refreshed until Ctrl-C.
import { Command } from 'commander';
import { loadConfig } from '../src/config';
import { runMain } from '../src/cli/run-main';
import { runMonitorCommand } from '../src/monitor/monitor-command';

const program = new Command('monitor')
  .description("Live view of each node's role, state, replay LSN, lag, eligibility and reads; the primary's WAL rate")
  .option('--interval <ms>', 'refresh interval in ms', (v) => Number.parseInt(v, 10), 1000)
  .option(
    '--metrics-url <url>',
    "the application's /metrics: show the reads its router sent to each node (without it: server transactions)",
  )
  .option('--once', 'print one snapshot (two samples one interval apart, so rates are filled in) and exit')
  .option('--json', 'JSON output: with --once one object; without it one JSON line per interval until Ctrl-C')
  .parse();

const opts = program.opts<{ interval: number; once?: boolean; json?: boolean; metricsUrl?: string }>();

runMain(async () => {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  await runMonitorCommand(opts, { config: loadConfig(), stdout: process.stdout, signal: controller.signal });
});
