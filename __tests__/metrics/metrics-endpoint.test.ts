// Metrics from real traffic: queries run on the real standby and primary, their events go through the listener,
// and the endpoint is scraped over HTTP; the counts must equal the queries sent.
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config';
import { createNodeClient, type PrismaClient } from '../../src/db/node-client';
import { createAppMetrics } from '../../src/metrics/app-metrics';
import { type MetricsServer, startMetricsServer } from 'rwsplit/metrics';
import { SERVER_IDENTITY } from '../../src/replication/queries';
import { addressOf } from '../../src/replication/configured-nodes';
import type { EventListener } from 'rwsplit';
import { parseExposition, valueOf } from './parse-exposition';

const config = loadConfig();
const READS = 25;
const WRITES = 7;

let standby: PrismaClient;
let primary: PrismaClient;
let server: MetricsServer;
const metrics = createAppMetrics();

/** Who answered, by the server's own word, named as the router names nodes (`host:port`). */
async function identity(client: PrismaClient): Promise<{ node: string; role: 'primary' | 'replica' }> {
  const [row] = await client.$queryRawUnsafe<{ port: number; in_recovery: boolean }[]>(SERVER_IDENTITY);
  return { node: `127.0.0.1:${row!.port}`, role: row!.in_recovery ? 'replica' : 'primary' };
}

/** Runs `fn` as a routed operation would, and reports it as the router does. */
async function routed(
  listener: EventListener,
  who: { node: string; role: 'primary' | 'replica' },
  operation: string,
  fn: () => Promise<unknown>,
): Promise<void> {
  const started = performance.now();
  let ok = true;
  try {
    await fn();
  } catch {
    ok = false;
  }
  listener({ event: 'query', ...who, operation, durationMs: performance.now() - started, ok });
}

async function scrape(): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(server.url);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

beforeAll(async () => {
  standby = createNodeClient(config.replicaUrls[0]!, { poolSize: 2 });
  primary = createNodeClient(config.primaryUrl, { poolSize: 2 });
  server = await startMetricsServer({ registry: metrics.registry, port: 0 });
});

afterAll(async () => {
  await Promise.all([standby?.$disconnect(), primary?.$disconnect(), server?.close()]);
});

test('queries_total and the duration histogram count exactly the reads and writes sent', async () => {
  const reader = await identity(standby);
  const writer = await identity(primary);
  expect(reader).toEqual({ node: addressOf(config.replicaUrls[0]!), role: 'replica' });
  expect(writer).toEqual({ node: addressOf(config.primaryUrl), role: 'primary' });

  for (let i = 0; i < READS; i++) {
    await routed(metrics.listener, reader, 'findMany', () =>
      standby.testReplication.findMany({ orderBy: { createdAt: 'desc' }, take: 10 }),
    );
  }
  for (let i = 0; i < WRITES; i++) {
    await routed(metrics.listener, writer, 'create', () =>
      primary.testReplication.create({ data: { data: `metrics-test ${i}` } }),
    );
  }
  // A failing read (no such table on purpose) counts as a query and as an error.
  await routed(metrics.listener, reader, 'queryRaw', () => standby.$queryRawUnsafe('SELECT * FROM no_such_table'));

  const { status, type, text } = await scrape();
  expect(status).toBe(200);
  expect(type).toBe('text/plain; version=0.0.4; charset=utf-8');
  const exp = await parseExposition(text);

  expect(exp.types.get('rwsplit_queries_total')).toBe('counter');
  expect(exp.types.get('rwsplit_query_duration_seconds')).toBe('histogram');
  expect(valueOf(exp, 'rwsplit_queries_total', { ...reader, operation: 'findMany' })).toBe(READS);
  expect(valueOf(exp, 'rwsplit_queries_total', { ...writer, operation: 'create' })).toBe(WRITES);
  expect(valueOf(exp, 'rwsplit_query_errors_total', reader)).toBe(1);
  expect(valueOf(exp, 'rwsplit_query_errors_total', writer)).toBe(0); // the writer's error counter starts at 0

  // The histogram is per node and role.
  expect(valueOf(exp, 'rwsplit_query_duration_seconds_count', reader)).toBe(READS + 1);
  expect(valueOf(exp, 'rwsplit_query_duration_seconds_count', writer)).toBe(WRITES);
  expect(valueOf(exp, 'rwsplit_query_duration_seconds_sum', reader)).toBeGreaterThan(0);
  // Buckets are cumulative and end at the count.
  const buckets = exp.samples.filter(
    (s) => s.name === 'rwsplit_query_duration_seconds_bucket' && s.labels.node === reader.node,
  );
  expect(buckets.length).toBeGreaterThan(5);
  expect(buckets.map((b) => b.labels.le)).toContain('0.001');
  expect(buckets.at(-1)).toMatchObject({ labels: { le: '+Inf' }, value: READS + 1 });
  for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
});

test('fallback, writer and ejection events are counted with their labels; fallbacks start at zero', async () => {
  const fresh = createAppMetrics();
  const before = await parseExposition(await fresh.registry.metrics());
  expect(valueOf(before, 'rwsplit_primary_fallback_reads_total', { reason: 'no_eligible_replica' })).toBe(0);
  expect(valueOf(before, 'rwsplit_writer_fallback_total', { via: 'psql' })).toBe(0);

  fresh.listener({ event: 'primary_fallback_read', reason: 'no_eligible_replica' });
  fresh.listener({ event: 'primary_fallback_read', reason: 'no_eligible_replica' });
  fresh.listener({ event: 'primary_fallback_read', reason: 'not_caught_up' });
  fresh.listener({ event: 'writer_fallback', via: 'docker-exec', reason: 'ECONNREFUSED' });
  fresh.listener({
    event: 'replica_ejected',
    node: 'standby2',
    reason: 'lagging',
    lagMs: 5000,
    lagBytes: 9e6,
    detail: null,
  });
  fresh.listener({
    event: 'replica_ejected',
    node: 'standby2',
    reason: 'lagging',
    lagMs: 6000,
    lagBytes: 9e6,
    detail: null,
  });
  fresh.listener({
    event: 'replica_ejected',
    node: 'standby1',
    reason: 'unreachable',
    lagMs: null,
    lagBytes: null,
    detail: 'connect ECONNREFUSED',
  });
  fresh.listener({ event: 'replica_admitted', node: 'standby1' });
  fresh.listener({ event: 'primary_changed', from: 'primary', to: 'standby1' });

  const exp = await parseExposition(await fresh.registry.metrics());
  expect(exp.types.get('rwsplit_primary_fallback_reads_total')).toBe('counter');
  expect(exp.types.get('rwsplit_writer_fallback_total')).toBe('counter');
  expect(exp.types.get('rwsplit_replica_ejections_total')).toBe('counter');
  expect(valueOf(exp, 'rwsplit_primary_fallback_reads_total', { reason: 'no_eligible_replica' })).toBe(2);
  expect(valueOf(exp, 'rwsplit_primary_fallback_reads_total', { reason: 'not_caught_up' })).toBe(1);
  expect(valueOf(exp, 'rwsplit_writer_fallback_total', { via: 'docker-exec' })).toBe(1);
  expect(valueOf(exp, 'rwsplit_writer_fallback_total', { via: 'psql' })).toBe(0);
  expect(valueOf(exp, 'rwsplit_replica_ejections_total', { node: 'standby2', reason: 'lagging' })).toBe(2);
  expect(valueOf(exp, 'rwsplit_replica_ejections_total', { node: 'standby1', reason: 'unreachable' })).toBe(1);
  expect(valueOf(exp, 'rwsplit_replica_eligible', { node: 'standby2' })).toBe(0);
  expect(valueOf(exp, 'rwsplit_replica_eligible', { node: 'standby1' })).toBe(1);
  expect(valueOf(exp, 'rwsplit_primary_changes_total')).toBe(1);
});

test('the handler serves only GET/HEAD /metrics', async () => {
  const base = server.url.replace(/\/metrics$/, '');
  expect((await fetch(`${base}/`)).status).toBe(404);
  expect((await fetch(`${base}/metrics/extra`)).status).toBe(404);
  expect((await fetch(`${base}/metrics?x=1`)).status).toBe(200);
  const post = await fetch(server.url, { method: 'POST' });
  expect(post.status).toBe(405);
  expect(post.headers.get('allow')).toBe('GET, HEAD');
  const head = await fetch(server.url, { method: 'HEAD' });
  expect(head.status).toBe(200);
  expect(await head.text()).toBe('');
});

test('two metric sets do not share a registry (nothing lands in the global one)', async () => {
  const a = createAppMetrics();
  const b = createAppMetrics();
  a.listener({ event: 'writer_fallback', via: 'psql', reason: 'x' });
  expect(
    valueOf(await parseExposition(await a.registry.metrics()), 'rwsplit_writer_fallback_total', { via: 'psql' }),
  ).toBe(1);
  expect(
    valueOf(await parseExposition(await b.registry.metrics()), 'rwsplit_writer_fallback_total', { via: 'psql' }),
  ).toBe(0);
  const { register } = await import('prom-client');
  expect(register.getSingleMetric('rwsplit_queries_total')).toBeUndefined();
});

test('a port already in use is reported with what to do', async () => {
  await expect(startMetricsServer({ registry: metrics.registry, port: server.port })).rejects.toThrow(
    /already in use.*Choose another port/,
  );
});
