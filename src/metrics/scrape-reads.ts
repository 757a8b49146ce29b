// Reads per node from an application's /metrics endpoint: what `npm run monitor -- --metrics-url …` shows when
// the router runs in another process. Sums `rwsplit_queries_total` over read operations per `node` label and
// turns consecutive scrapes into per-interval deltas. The text is parsed by prom2javascript.
import { getMetricsFromIterator, type PromData } from 'prom2javascript';
import { READ_OPERATIONS } from 'rwsplit';

/** The counter scraped: routed Prisma operations by node, role and operation. */
export const QUERIES_METRIC = 'rwsplit_queries_total';

/** Read operations per `node` label in a Prometheus text exposition (counter totals since the app started). */
export async function readsPerNode(exposition: string): Promise<Map<string, number>> {
  const family = (await getMetricsFromIterator(exposition.split('\n').values()))[QUERIES_METRIC];
  const totals = new Map<string, number>();
  for (const sample of (family?.data ?? []) as readonly Partial<PromData>[]) {
    const node = sample.labels?.node;
    const operation = sample.labels?.operation;
    const value = sample.value;
    if (node === undefined || operation === undefined || !READ_OPERATIONS.has(operation)) continue;
    if (value === undefined || !Number.isFinite(value)) continue;
    totals.set(node, (totals.get(node) ?? 0) + value);
  }
  return totals;
}

/** GETs `url` and returns its read totals per node. Throws with the cause and what to check. */
export async function scrapeReadsPerNode(url: string, timeoutMs: number): Promise<Map<string, number>> {
  let text: string;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    text = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200).trim()}`);
  } catch (cause) {
    const why = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : '';
    throw new Error(
      `Scraping ${url} failed${why ? ` (${why})` : ''}. Check that the application serves its metrics there ` +
        '(metricsHandler / startMetricsServer) and that the URL ends in /metrics.',
      { cause },
    );
  }
  if (!text.includes(QUERIES_METRIC)) {
    throw new Error(
      `${url} has no ${QUERIES_METRIC}: is it rwsplit's endpoint, with metrics.listener passed to the router's onEvent?`,
    );
  }
  try {
    return await readsPerNode(text);
  } catch (cause) {
    throw new Error(
      `${url} is not in Prometheus' text format (${cause instanceof Error ? cause.message : String(cause)}): ` +
        "is it rwsplit's /metrics endpoint, and not a page in front of it?",
      { cause },
    );
  }
}

/** One interval's reads per node, or why they are unknown. */
export interface ScrapedInterval {
  /** Null on the first successful scrape (no baseline yet) and when the scrape failed. */
  readonly perAddress: Map<string, number> | null;
  readonly error: string | null;
}

export interface ReadsScraper {
  readonly url: string;
  /** Scrapes now; returns the reads since the previous successful scrape. Never throws. */
  take(): Promise<ScrapedInterval>;
}

/**
 * Scrapes `url` on each `take()` and returns per-node deltas. A counter that went down means the application
 * restarted: its new total is the interval's reads. After a failed scrape the next one only sets a new baseline,
 * so no interval is ever credited with more than its own reads.
 */
export function createReadsScraper(url: string, timeoutMs: number): ReadsScraper {
  let previous: Map<string, number> | null = null;
  return {
    url,
    async take() {
      let totals: Map<string, number>;
      try {
        totals = await scrapeReadsPerNode(url, timeoutMs);
      } catch (err) {
        previous = null;
        return { perAddress: null, error: err instanceof Error ? err.message : String(err) };
      }
      const before = previous;
      previous = totals;
      if (!before) return { perAddress: null, error: null };
      const delta = new Map<string, number>();
      for (const [node, total] of totals) {
        const then = before.get(node) ?? 0;
        delta.set(node, total >= then ? total - then : total);
      }
      return { perAddress: delta, error: null };
    },
  };
}
