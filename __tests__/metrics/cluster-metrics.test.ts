// `npm run metrics` as a library: the health-check loop over the real cluster feeds the lag and eligibility
// gauges; an unreachable replica is ejected once and exported as not eligible, with no made-up lag. Nodes are
// labelled `host:port`, as the router labels them.
import { loadConfig } from '../../src/config';
import { createAppMetrics } from '../../src/metrics/app-metrics';
import { serveClusterMetrics } from '../../src/metrics/serve-cluster-metrics';
import { addressOf, configuredNode, configuredNodes } from '../../src/replication/configured-nodes';
import { createReplicaPoller } from '../../src/monitor/replica-poller';
import { parseExposition, valueOf } from './parse-exposition';

const config = loadConfig();
/** A port of this helper's throwaway range with nothing listening. */
const DEAD_PORT = 25639;

test('serveClusterMetrics exports lag and eligibility of every standby after its first round', async () => {
  const service = await serveClusterMetrics({ config, port: 0, intervalMs: 200 });
  try {
    const exp = await parseExposition(await (await fetch(service.server.url)).text());
    for (const node of config.replicaUrls.map(addressOf)) {
      expect(node).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(valueOf(exp, 'rwsplit_replica_eligible', { node })).toBe(1);
      expect(valueOf(exp, 'rwsplit_replica_lag_bytes', { node })).toBeGreaterThanOrEqual(0);
      expect(valueOf(exp, 'rwsplit_replica_lag_seconds', { node })).toBeGreaterThanOrEqual(0);
    }
    expect(exp.types.get('rwsplit_replica_lag_bytes')).toBe('gauge');
    expect(exp.types.get('rwsplit_replica_lag_seconds')).toBe('gauge');
    expect(exp.types.get('rwsplit_replica_eligible')).toBe('gauge');
    // The primary is not a replica: no series for it.
    expect(valueOf(exp, 'rwsplit_replica_eligible', { node: addressOf(config.primaryUrl) })).toBeUndefined();
    expect(exp.samples.filter((s) => s.name === 'rwsplit_replica_eligible')).toHaveLength(config.replicaUrls.length);
  } finally {
    await service.close();
  }
});

test('an unreachable replica: eligible 0, one ejection, lag series absent', async () => {
  const metrics = createAppMetrics();
  const deadUrl = config.replicaUrls[0]!.replace(/:\d+\//, `:${DEAD_PORT}/`);
  const dead = addressOf(deadUrl);
  const standby1 = addressOf(config.replicaUrls[0]!);
  const poller = createReplicaPoller({
    nodes: [...configuredNodes(config), configuredNode('standby9', 'standby', deadUrl)],
    limits: config.routing,
    listener: metrics.listener,
  });
  await poller.pollOnce();
  await poller.pollOnce();
  const exp = await parseExposition(await metrics.registry.metrics());
  expect(valueOf(exp, 'rwsplit_replica_eligible', { node: dead })).toBe(0);
  expect(valueOf(exp, 'rwsplit_replica_ejections_total', { node: dead, reason: 'unreachable' })).toBe(1);
  expect(valueOf(exp, 'rwsplit_replica_lag_bytes', { node: dead })).toBeUndefined();
  expect(valueOf(exp, 'rwsplit_replica_lag_seconds', { node: dead })).toBeUndefined();
  expect(valueOf(exp, 'rwsplit_replica_eligible', { node: standby1 })).toBe(1);
  expect(valueOf(exp, 'rwsplit_replica_ejections_total', { node: standby1, reason: 'unreachable' })).toBe(0); // known from its first check, at 0
});
