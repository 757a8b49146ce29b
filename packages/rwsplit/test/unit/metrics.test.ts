// Metrics from events, without a cluster: the gauges alerts rely on (write target, split brain) and counters that
// start at 0 the first time a node is seen, so increase() sees the first ejection.
import { createMetrics } from '../../src/metrics';

const value = async (m: ReturnType<typeof createMetrics>, name: string, labels: Record<string, string> = {}) => {
  const metric = await m.registry.getSingleMetric(name)!.get();
  const sample = metric.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return sample?.value;
};

test('write target and split brain follow discovery and successful writes', async () => {
  const m = createMetrics();
  expect(await value(m, 'rwsplit_split_brain')).toBe(0);
  m.listener({ event: 'query', node: 'db1:5432', role: 'primary', operation: 'create', durationMs: 1, ok: true });
  expect(await value(m, 'rwsplit_write_target_up', { node: 'db1:5432' })).toBe(1);
  m.listener({ event: 'no_primary', nodes: ['db1:5432', 'db2:5432'] });
  expect(await value(m, 'rwsplit_write_target_up', { node: 'db1:5432' })).toBe(0);
  m.listener({ event: 'split_brain', nodes: ['db1:5432', 'db2:5432'] });
  expect(await value(m, 'rwsplit_split_brain')).toBe(1);
  m.listener({ event: 'primary_discovered', node: 'db2:5432' });
  expect(await value(m, 'rwsplit_split_brain')).toBe(0);
  expect(await value(m, 'rwsplit_write_target_up', { node: 'db2:5432' })).toBe(1);
  // One series: the old target's is gone.
  expect((await m.registry.getSingleMetric('rwsplit_write_target_up')!.get()).values).toHaveLength(1);
});

test("a replica's ejection counters and error counters start at 0 when it is first seen", async () => {
  const m = createMetrics();
  m.listener({
    event: 'replica_checked',
    node: 'r1:5432',
    reachable: true,
    inRecovery: true,
    eligible: true,
    lagMs: 3,
    lagBytes: 0,
    replayLsn: '0/1',
  });
  for (const reason of ['connection_error', 'timeout', 'unreachable', 'lagging', 'not_in_recovery']) {
    expect(await value(m, 'rwsplit_replica_ejections_total', { node: 'r1:5432', reason })).toBe(0);
  }
  m.listener({
    event: 'replica_ejected',
    node: 'r1:5432',
    reason: 'timeout',
    lagMs: 3,
    lagBytes: 0,
    detail: 'Query read timeout',
  });
  expect(await value(m, 'rwsplit_replica_ejections_total', { node: 'r1:5432', reason: 'timeout' })).toBe(1);
  expect(await value(m, 'rwsplit_query_errors_total', { node: 'r1:5432', role: 'replica' })).toBe(0);
});

test('held writes, retried reads and recovery conflicts are counted; the hold is a histogram', async () => {
  const m = createMetrics();
  expect(await value(m, 'rwsplit_held_writes_total', { outcome: 'ran' })).toBe(0);
  expect(await value(m, 'rwsplit_reads_retried_total', { reason: 'recovery_conflict' })).toBe(0);
  m.listener({ event: 'write_held', operation: 'create', waitedMs: 1500, outcome: 'ran' });
  m.listener({ event: 'write_held', operation: 'create', waitedMs: 0, outcome: 'queue_full' });
  m.listener({ event: 'read_retried', node: 'r1:5432', role: 'replica', reason: 'recovery_conflict' });
  m.listener({ event: 'recovery_conflict', node: 'r1:5432' });
  expect(await value(m, 'rwsplit_held_writes_total', { outcome: 'ran' })).toBe(1);
  expect(await value(m, 'rwsplit_held_writes_total', { outcome: 'queue_full' })).toBe(1);
  const hold = (await m.registry.getSingleMetric('rwsplit_write_hold_seconds')!.get()).values;
  const sample = (name: string) => hold.find((v) => (v as { metricName?: string }).metricName === name)?.value;
  // The refused write waited for nothing: only the held one is in the histogram.
  expect([sample('rwsplit_write_hold_seconds_count'), sample('rwsplit_write_hold_seconds_sum')]).toEqual([1, 1.5]);
  expect(await value(m, 'rwsplit_reads_retried_total', { reason: 'recovery_conflict' })).toBe(1);
  expect(await value(m, 'rwsplit_recovery_conflicts_total', { node: 'r1:5432' })).toBe(1);
});
