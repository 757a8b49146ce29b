// Metrics fed by the router itself: routed traffic on the real cluster, scraped over HTTP, counts checked against
// the queries this test sent.
import { loadConfig } from '../../src/config';
import { createAppMetrics } from '../../src/metrics/app-metrics';
import { roundRobin } from 'rwsplit';
import { startMetricsServer } from 'rwsplit/metrics';
import { createRwsplitFromConfig } from '../../src/db/app-rwsplit';
import { WriterService } from '../../src/writer/writer-service';
import { parseExposition, sumOf, valueOf } from './parse-exposition';

const config = loadConfig();

test('scraping /metrics after routed traffic shows exactly the queries sent, per role and node', async () => {
  const metrics = createAppMetrics();
  const server = await startMetricsServer({ registry: metrics.registry, port: 0 });
  // Round-robin, so the split per node is known in advance (the default balances at random).
  const rw = await createRwsplitFromConfig(config, { onEvent: metrics.listener, strategy: roundRobin() });
  try {
    for (let i = 0; i < 12; i++) await rw.client.testReplication.findMany({ take: 10, orderBy: { createdAt: 'desc' } });
    for (let i = 0; i < 5; i++) await rw.client.testReplication.create({ data: { data: `metrics ${i}` } });
    await rw.session(() => rw.client.testReplication.count(), { mode: 'primary' });

    const exp = await parseExposition(await (await fetch(server.url)).text());
    const replicaReads = sumOf(exp, 'rwsplit_queries_total', { role: 'replica', operation: 'findMany' });
    expect(replicaReads).toBe(12);
    // Round-robin over two eligible standbys: 6 each, labelled by host:port.
    for (const url of config.replicaUrls) {
      const node = `127.0.0.1:${new URL(url).port}`;
      expect(sumOf(exp, 'rwsplit_queries_total', { node, operation: 'findMany' })).toBe(6);
      expect(sumOf(exp, 'rwsplit_replica_eligible', { node })).toBe(1);
      expect(valueOf(exp, 'rwsplit_replica_lag_bytes', { node })).toBeGreaterThanOrEqual(0);
    }
    expect(sumOf(exp, 'rwsplit_queries_total', { role: 'primary', operation: 'create' })).toBe(5);
    expect(sumOf(exp, 'rwsplit_queries_total', { role: 'primary', operation: 'count' })).toBe(1);
    expect(sumOf(exp, 'rwsplit_query_duration_seconds_count')).toBe(18);
    expect(sumOf(exp, 'rwsplit_primary_fallback_reads_total')).toBe(0);
  } finally {
    await rw.close();
    await server.close();
  }
});

test('primary fallback reads and writer fallbacks are counted', async () => {
  const metrics = createAppMetrics();
  const rw = await createRwsplitFromConfig(config, {
    replicaUrls: ['postgresql://rwsplit:x@127.0.0.1:1/rwsplit'],
    connectTimeoutMs: 500,
    onEvent: metrics.listener,
  });
  const writer = new WriterService(
    {
      ...config,
      primaryUrl: config.primaryUrl.replace(/:\d+\//, ':1/'),
      writer: { ...config.writer, connectTimeoutMs: 500 },
    },
    { onEvent: metrics.listener },
  );
  try {
    for (let i = 0; i < 3; i++) await rw.client.testReplication.count();
    const written = await writer.write('counted fallback');
    expect(written.via).toBe('psql');
    const exp = await parseExposition(await metrics.registry.metrics());
    expect(sumOf(exp, 'rwsplit_primary_fallback_reads_total')).toBe(3);
    expect(sumOf(exp, 'rwsplit_replica_eligible', { node: '127.0.0.1:1' })).toBe(0);
    expect(sumOf(exp, 'rwsplit_writer_fallback_total', { via: 'psql' })).toBe(1);
  } finally {
    await rw.close();
    await writer.close();
  }
});
