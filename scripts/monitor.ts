// npm run monitor [-- --interval 1000] [-- --once --json]: a live view of each node, refreshed until Ctrl-C.
import { Command } from 'commander';
import { loadConfig } from '../src/config';
import { runMain } from '../src/cli/run-main';
import { createMonitor } from '../src/monitor/monitor';
import { configuredNodes } from '../src/replication/configured-nodes';
import { renderMonitor } from '../src/monitor/render-monitor';

const program = new Command('monitor')
  .description("Live view of each node's role, state, replay LSN, lag, eligibility and reads; the primary's WAL rate")
  .option('--interval <ms>', 'refresh interval in ms', (v) => Number.parseInt(v, 10), 1000)
  .option('--once', 'print one snapshot (two samples one interval apart, so rates are filled in) and exit')
  .option('--json', 'with --once: print the snapshot as JSON')
  .parse();

const opts = program.opts<{ interval: number; once?: boolean; json?: boolean }>();

runMain(async () => {
  if (!Number.isFinite(opts.interval) || opts.interval < 100) {
    throw new Error(`--interval must be a number of ms >= 100 (got ${opts.interval}).`);
  }
  const config = loadConfig();
  const monitor = createMonitor({ nodes: configuredNodes(config), limits: config.routing, intervalMs: opts.interval });
  if (opts.once) {
    const snapshot = await monitor.snapshotOnce();
    console.log(opts.json ? JSON.stringify(snapshot, null, 2) : renderMonitor(snapshot));
    return;
  }
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  const tty = process.stdout.isTTY;
  await monitor.run((screen) => {
    // In a terminal redraw in place; piped, print one screen after another.
    process.stdout.write(tty ? `\x1b[2J\x1b[H${screen}\n` : `${screen}\n\n`);
  }, controller.signal);
});
