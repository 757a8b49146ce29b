// What `npm run monitor` does with its options, apart from parsing them: testable with any config and sink.
import type { Config } from '../config';
import { configuredNodes } from '../replication/configured-nodes';
import { type Sleep, createMonitor } from './monitor';
import { type TextSink, jsonLinesOutput, screenOutput } from './monitor-output';
import { renderMonitor } from './render-monitor';

export interface MonitorCommandOptions {
  /** Refresh interval in ms (≥ 100). */
  readonly interval: number;
  /** One snapshot (two samples one interval apart), then exit. */
  readonly once?: boolean;
  /** JSON instead of the screen: with `once` one pretty-printed object, else one JSON line per interval. */
  readonly json?: boolean;
  /** The application's /metrics URL: the reads column then shows routed reads scraped from it. */
  readonly metricsUrl?: string;
}

export interface MonitorCommandIo {
  readonly config: Pick<Config, 'primaryUrl' | 'replicaUrls' | 'routing'>;
  readonly stdout: TextSink & { readonly isTTY?: boolean };
  /** Stops the live loop (Ctrl-C). */
  readonly signal: AbortSignal;
  /** Injectable clock and wait, for tests. */
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

/** Checks the options; throws an error that names the option and what it expects. */
export function validateMonitorOptions(opts: MonitorCommandOptions): void {
  if (!Number.isFinite(opts.interval) || opts.interval < 100) {
    throw new Error(`--interval must be a number of ms >= 100 (got ${opts.interval}).`);
  }
  if (opts.metricsUrl !== undefined) {
    const expected = `--metrics-url must be an http(s) URL such as http://127.0.0.1:9464/metrics (got ${opts.metricsUrl}).`;
    let protocol: string;
    try {
      protocol = new URL(opts.metricsUrl).protocol;
    } catch (cause) {
      throw new Error(expected, { cause });
    }
    if (protocol !== 'http:' && protocol !== 'https:') throw new Error(expected);
  }
}

/**
 * Runs the monitor as the script does. `--once` prints one snapshot (screen, or pretty JSON with `json`);
 * otherwise it redraws the screen every interval, or with `json` streams one JSON line per interval, until
 * `signal` aborts.
 */
export async function runMonitorCommand(opts: MonitorCommandOptions, io: MonitorCommandIo): Promise<void> {
  validateMonitorOptions(opts);
  const monitor = createMonitor({
    nodes: configuredNodes(io.config),
    limits: io.config.routing,
    intervalMs: opts.interval,
    metricsUrl: opts.metricsUrl,
    now: io.now,
    sleep: io.sleep,
  });
  if (opts.once) {
    const snapshot = await monitor.snapshotOnce();
    io.stdout.write(`${opts.json ? JSON.stringify(snapshot, null, 2) : renderMonitor(snapshot)}\n`);
    return;
  }
  const output = opts.json ? jsonLinesOutput(io.stdout) : screenOutput(io.stdout, { clear: io.stdout.isTTY === true });
  await monitor.run(output, io.signal);
}
