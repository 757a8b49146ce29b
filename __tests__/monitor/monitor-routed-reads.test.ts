// Routed reads per node, from a REAL router (createRwsplit) on the real cluster, counted two ways: in the
// application's process from its events (countRoutedReads), and from another process's point of view by
// scraping the application's /metrics (metricsUrl). Both must name nodes as the router does and agree with the
// router's own events; the metric labels of the app's metrics and of `npm run metrics` must be the same.
import { fanOut, roundRobin, type RwsplitEvent } from 'rwsplit';
import { createMetrics, type MetricsServer, startMetricsServer } from 'rwsplit/metrics';
import { loadConfig } from '../../src/config';
import { type AppRwsplit, createAppRwsplit } from '../../src/db/app-rwsplit';
import { serveClusterMetrics } from '../../src/metrics/serve-cluster-metrics';
import { createMonitor } from '../../src/monitor/monitor';
import type { MonitorSnapshot } from '../../src/monitor/monitor-snapshot';
import { addressOf, configuredNodes, nodeForAddress } from '../../src/replication/configured-nodes';
import { parseExposition } from '../metrics/parse-exposition';

const config = loadConfig();
const nodes = configuredNodes(config);
const READS = 12;

const node = (s: MonitorSnapshot, name: string) => s.nodes.find((n) => n.name === name)!;

/** The router's own account: read operations per configured name, from the query events it emitted. */
function routedPerName(events: readonly RwsplitEvent[]): Map<string, number> {
  const per = new Map<string, number>();
  for (const e of events) {
    if (e.event !== 'query' || !['findMany', 'count'].includes(e.operation)) continue;
    const name = nodeForAddress(nodes, e.node)?.name ?? `unconfigured ${e.node}`;
    per.set(name, (per.get(name) ?? 0) + 1);
  }
  return per;
}

const labelValues = async (text: string, metric: string) =>
  new Set((await parseExposition(text)).samples.filter((s) => s.name === metric).map((s) => s.labels.node!));

let server: MetricsServer;
let rw: AppRwsplit;
const events: RwsplitEvent[] = [];
const metrics = createMetrics();
const inApp = createMonitor({ nodes, limits: config.routing, countRoutedReads: true });

beforeAll(async () => {
  server = await startMetricsServer({ registry: metrics.registry, port: 0 });
  rw = await createAppRwsplit({
    primaryUrl: config.primaryUrl,
    replicaUrls: config.replicaUrls,
    maxLagMs: config.routing.maxLagMs,
    maxLagBytes: config.routing.maxLagBytes,
    onEvent: fanOut(metrics.listener, inApp.listener, (e) => events.push(e)),
    // Round-robin, so both standbys surely serve some of the reads (the default balances at random).
    strategy: roundRobin(),
  });
});

afterAll(async () => {
  await rw?.close();
  await server?.close();
});

test('per-node reads from router events and from the scraped /metrics match what the router sent', async () => {
  const scraping = createMonitor({ nodes, limits: config.routing, metricsUrl: server.url });
  const [a0, b0] = await Promise.all([inApp.sample(), scraping.sample()]);
  expect(a0.readsSource).toBe('router-events');
  expect(b0.readsSource).toBe('metrics-scrape');
  expect(b0.readsUrl).toBe(server.url);
  // First samples have no interval yet.
  expect(a0.nodes.every((n) => n.reads === null)).toBe(true);
  expect(b0.nodes.every((n) => n.reads === null)).toBe(true);

  for (let round = 1; round <= 2; round++) {
    events.length = 0;
    for (let i = 0; i < READS * round; i++) await rw.client.testReplication.findMany({ take: 5 });
    await rw.session(() => rw.client.testReplication.count(), { mode: 'primary' });
    await rw.client.testReplication.create({ data: { data: `monitor routed ${round}` } }); // a write: not a read

    const truth = routedPerName(events);
    // Every read went to a configured node (the router's names map onto configured ones).
    expect([...truth.keys()].filter((k) => k.startsWith('unconfigured'))).toEqual([]);
    expect([...truth.values()].reduce((a, b) => a + b, 0)).toBe(READS * round + 1);
    expect(truth.get('primary')).toBeGreaterThanOrEqual(1);

    const [a, b] = await Promise.all([inApp.sample(), scraping.sample()]);
    expect(b.readsError).toBeNull();
    for (const n of nodes) {
      const expected = truth.get(n.name) ?? 0;
      expect([n.name, node(a, n.name).reads]).toEqual([n.name, expected]);
      expect([n.name, node(b, n.name).reads]).toEqual([n.name, expected]);
    }
    // With both standbys eligible, round-robin used both: no node silently shows 0.
    expect(node(a, 'standby1').reads).toBeGreaterThan(0);
    expect(node(a, 'standby2').reads).toBeGreaterThan(0);
  }
});

test("the app's metrics and `npm run metrics` label the same nodes the same way (host:port)", async () => {
  const app = await (await fetch(server.url)).text();
  const queried = await labelValues(app, 'rwsplit_queries_total');
  expect(queried.size).toBeGreaterThan(0);
  for (const label of queried) expect(nodeForAddress(nodes, label)).toBeDefined();
  expect([...(await labelValues(app, 'rwsplit_query_duration_seconds_count'))].sort()).toEqual([...queried].sort());

  const standalone = await serveClusterMetrics({ config, port: 0, intervalMs: 60_000 });
  try {
    const own = await (await fetch(standalone.server.url)).text();
    const expected = config.replicaUrls.map(addressOf).sort();
    expect([...(await labelValues(own, 'rwsplit_replica_eligible'))].sort()).toEqual(expected);
    expect([...(await labelValues(app, 'rwsplit_replica_eligible'))].sort()).toEqual(expected);
    expect([...(await labelValues(own, 'rwsplit_replica_lag_bytes'))].sort()).toEqual(expected);
  } finally {
    await standalone.close();
  }
});

test('a scrape that fails leaves reads unknown with the reason, then recovers with a fresh baseline', async () => {
  const other = await startMetricsServer({ registry: metrics.registry, port: 0 });
  const url = other.url;
  const scraping = createMonitor({ nodes, limits: config.routing, metricsUrl: url });
  await scraping.sample();
  await other.close();
  const failed = await scraping.sample();
  expect(failed.readsSource).toBe('metrics-scrape');
  expect(failed.readsError).toMatch(/Scraping .* failed.*Check that the application serves its metrics/);
  expect(failed.nodes.every((n) => n.reads === null)).toBe(true);
  // The nodes themselves are still probed.
  expect(node(failed, 'standby1')).toMatchObject({ role: 'standby', error: null });

  // Back on the same port: the first scrape is a new baseline (the failed interval is never credited).
  const back = await startMetricsServer({ registry: metrics.registry, port: other.port });
  try {
    const baseline = await scraping.sample();
    expect(baseline.readsError).toBeNull();
    expect(baseline.nodes.every((n) => n.reads === null)).toBe(true);
    await rw.client.testReplication.findMany({ take: 1 });
    const next = await scraping.sample();
    expect(next.nodes.reduce((sum, n) => sum + (n.reads ?? 0), 0)).toBe(1);
  } finally {
    await back.close();
  }
});

test('reads to addresses the monitor does not know are reported, not silently dropped', async () => {
  const asLocalhost = (url: string) => url.replace('@127.0.0.1:', '@localhost:');
  const elsewhere = configuredNodes({
    primaryUrl: asLocalhost(config.primaryUrl),
    replicaUrls: config.replicaUrls.map(asLocalhost),
  });
  expect(elsewhere.map((n) => n.address)).toEqual(nodes.map((n) => n.address.replace('127.0.0.1', 'localhost')));
  const scraping = createMonitor({ nodes: elsewhere, limits: config.routing, metricsUrl: server.url });
  await scraping.sample();
  for (let i = 0; i < 4; i++) await rw.client.testReplication.findMany({ take: 1 });
  const snap = await scraping.sample();
  expect(snap.nodes.every((n) => n.reads === 0)).toBe(true);
  expect(snap.otherReads.reduce((sum, o) => sum + o.reads, 0)).toBe(4);
  for (const o of snap.otherReads) expect(nodeForAddress(nodes, o.address)).toBeDefined();
});
