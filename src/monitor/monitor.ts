// The monitor: checks the nodes every interval, turns each round into a snapshot, and (in `run`) hands each one
// to an output. Checking lives in checkCluster (replica health from the library), drawing in render-monitor /
// monitor-output; this file sequences. Health-check events for metrics come from the library's own health checker
// (`npm run metrics`, or the application's router), never from here.
import type { EventListener } from 'rwsplit';
import { type ClusterCheck, type LagLimits, checkCluster } from './check-cluster';
import { type IntervalReads, type MonitorSnapshot, buildSnapshot } from './monitor-snapshot';
import type { ConfiguredNode } from '../replication/configured-nodes';
import { createReadCounter } from './read-counter';
import { DEFAULT_PROBE_TIMEOUT_MS } from './node-probe';
import { createReadsScraper } from '../metrics/scrape-reads';

/** Default time between samples, in ms. */
export const DEFAULT_INTERVAL_MS = 1000;

/** Waits `ms`, or less when `signal` aborts. Injectable so tests drive the loop without real time. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface MonitorOptions {
  readonly nodes: readonly ConfiguredNode[];
  /** Eligibility limits (config.routing). */
  readonly limits: LagLimits;
  /** Refresh interval in ms. Default 1000. */
  readonly intervalMs?: number;
  /**
   * Count reads from the router's 'query' events (wire `monitor.listener` into the router, in the application's
   * process). Default false.
   */
  readonly countRoutedReads?: boolean;
  /**
   * Count reads by scraping the application's /metrics (rwsplit_queries_total) every interval: for a monitor in
   * its own process. Not together with `countRoutedReads`.
   */
  readonly metricsUrl?: string;
  /** Per-probe (and per-health-check, per-scrape) timeout in ms. */
  readonly timeoutMs?: number;
  /** Clock, injectable for tests. Default `Date.now`. */
  readonly now?: () => number;
  /** How the loop waits between samples, injectable for tests. Default: a timer that an abort cuts short. */
  readonly sleep?: Sleep;
}

export interface Monitor {
  /** Feed the router's events here when `countRoutedReads` is on (a no-op otherwise). */
  readonly listener: EventListener;
  /** Checks every node now and returns the snapshot against the previous sample (rates are null the first time). */
  sample(): Promise<MonitorSnapshot>;
  /** Samples twice, one interval apart, so every rate is filled in: what `--once` prints. */
  snapshotOnce(): Promise<MonitorSnapshot>;
  /**
   * Samples every interval and hands each snapshot to `output` (see monitor-output.ts for the screen and the JSON
   * lines) until `signal` aborts; then returns, without waiting out the interval and without another output.
   */
  run(output: (snapshot: MonitorSnapshot) => void, signal: AbortSignal): Promise<void>;
}

interface ReadsSource {
  take(): Promise<IntervalReads>;
}

function readsSource(options: MonitorOptions): { source: ReadsSource | null; listener: EventListener } {
  const none: EventListener = () => undefined;
  if (options.countRoutedReads && options.metricsUrl !== undefined) {
    throw new Error(
      'createMonitor: choose one read source, countRoutedReads (in the application) or metricsUrl (another process).',
    );
  }
  if (options.countRoutedReads) {
    const counter = createReadCounter();
    return {
      listener: counter.listener,
      source: {
        take: () => Promise.resolve({ source: 'router-events', perAddress: counter.take(), error: null, url: null }),
      },
    };
  }
  if (options.metricsUrl !== undefined) {
    const scraper = createReadsScraper(options.metricsUrl, options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
    return {
      listener: none,
      source: {
        take: async () => ({ source: 'metrics-scrape', url: scraper.url, ...(await scraper.take()) }),
      },
    };
  }
  return { listener: none, source: null };
}

export function createMonitor(options: MonitorOptions): Monitor {
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const reads = readsSource(options);
  let previous: ClusterCheck | null = null;

  const sample = async (): Promise<MonitorSnapshot> => {
    // Reads counted up to the end of this round belong to the interval since the previous round.
    const [check, routed] = await Promise.all([
      checkCluster(options.nodes, { limits: options.limits, timeoutMs: options.timeoutMs, now }),
      reads.source?.take(),
    ]);
    const snapshot = buildSnapshot(check, previous, options.limits, routed);
    previous = check;
    return snapshot;
  };

  return {
    listener: reads.listener,
    sample,
    async snapshotOnce() {
      await sample();
      await sleep(intervalMs);
      return sample();
    },
    async run(output, signal) {
      while (!signal.aborted) {
        const started = now();
        const snapshot = await sample();
        if (signal.aborted) break;
        output(snapshot);
        await sleep(Math.max(0, intervalMs - (now() - started)), signal);
      }
    },
  };
}

/** setTimeout that resolves early (and clears its timer) when `signal` aborts. */
export const abortableSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
