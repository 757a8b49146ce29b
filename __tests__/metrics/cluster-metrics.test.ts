// `npm run metrics` as a library: the health-check loop over the real cluster feeds the lag and eligibility
// gauges; an unreachable replica is ejected once and exported as not eligible, with no made-up lag.
import { loadConfig } from '../../src/config';
import { createMetrics } from '../../src/metrics/create-metrics';
import { serveClusterMetrics } from '../../src/metrics/serve-cluster-metrics';
import { configuredNodes } from '../../src/replication/configured-nodes';
import { createReplicaPoller } from '../../src/monitor/replica-poller';
import { parseExposition, valueOf } from './parse-exposition';

const config = loadConfig();
/** A port of this helper's throwaway range with nothing listening. */
const DEAD_PORT = 55639;

test('serveClusterMetrics exports lag and eligibility of every standby after its first round', async () => {
  const service = await serveClusterMetrics({ config, port: 0, intervalMs: 200 });
  try {
    const exp = parseExposition(await (await fetch(service.server.url)).text());
    for (const node of ['standby1', 'standby2']) {
      expect(valueOf(exp, 'rwsplit_replica_eligible', { node })).toBe(1);
      expect(valueOf(exp, 'rwsplit_replica_lag_bytes', { node })).toBeGreaterThanOrEqual(0);
      expect(valueOf(exp, 'rwsplit_replica_lag_seconds', { node })).toBeGreaterThanOrEqual(0);
    }
    expect(exp.types.get('rwsplit_replica_lag_bytes')).toBe('gauge');
    expect(exp.types.get('rwsplit_replica_lag_seconds')).toBe('gauge');
    expect(exp.types.get('rwsplit_replica_eligible')).toBe('gauge');
    // The primary is not a replica: no series for it.
    expect(valueOf(exp, 'rwsplit_replica_eligible', { node: 'primary' })).toBeUndefined();
  } finally {
    await service.close();
  }
});

test('an unreachable replica: eligible 0, one ejection, lag series absent', async () => {
  const metrics = createMetrics();
  const deadUrl = config.replicaUrls[0]!.replace(/:\d+\//, `:${DEAD_PORT}/`);
  const poller = createReplicaPoller({
    nodes: [...configuredNodes(config), { name: 'standby9', expectedRole: 'standby', url: deadUrl }],
    limits: config.routing,
    listener: metrics.listener,
  });
  await poller.pollOnce();
  await poller.pollOnce();
  const exp = parseExposition(await metrics.registry.metrics());
  expect(valueOf(exp, 'rwsplit_replica_eligible', { node: 'standby9' })).toBe(0);
  expect(valueOf(exp, 'rwsplit_replica_ejections_total', { node: 'standby9', reason: 'unreachable' })).toBe(1);
  expect(valueOf(exp, 'rwsplit_replica_lag_bytes', { node: 'standby9' })).toBeUndefined();
  expect(valueOf(exp, 'rwsplit_replica_lag_seconds', { node: 'standby9' })).toBeUndefined();
  expect(valueOf(exp, 'rwsplit_replica_eligible', { node: 'standby1' })).toBe(1);
  expect(valueOf(exp, 'rwsplit_replica_ejections_total', { node: 'standby1', reason: 'unreachable' })).toBeUndefined();
});
