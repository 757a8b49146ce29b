// `npm run metrics` as a library: the library's health checker over the real cluster feeds the lag and eligibility
// gauges; an unreachable replica is exported as not eligible, with no made-up lag, and counted as the router counts
// it. Nodes are labelled `host:port`, as the router labels them.
import { loadConfig } from '../../src/config';
import { serveClusterMetrics } from '../../src/metrics/serve-cluster-metrics';
import { addressOf } from '../../src/replication/configured-nodes';
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

test('an unreachable replica: eligible 0, never ejected (never admitted), lag series absent', async () => {
  const deadUrl = config.replicaUrls[0]!.replace(/:\d+\//, `:${DEAD_PORT}/`);
  const dead = addressOf(deadUrl);
  const standby1 = addressOf(config.replicaUrls[0]!);
  const service = await serveClusterMetrics({
    config: { ...config, replicaUrls: [...config.replicaUrls, deadUrl] },
    port: 0,
    intervalMs: 60_000,
  });
  try {
    await service.health.checkNow();
    const exp = await parseExposition(await service.metrics.registry.metrics());
    expect(valueOf(exp, 'rwsplit_replica_eligible', { node: dead })).toBe(0);
    // As in the router: a replica is out of rotation until its first passing check, so one down from the start is
    // never ejected; a replica that was in rotation and then failed its check would be.
    expect(valueOf(exp, 'rwsplit_replica_ejections_total', { node: dead, reason: 'unreachable' })).toBe(0);
    expect(valueOf(exp, 'rwsplit_replica_lag_bytes', { node: dead })).toBeUndefined();
    expect(valueOf(exp, 'rwsplit_replica_lag_seconds', { node: dead })).toBeUndefined();
    expect(valueOf(exp, 'rwsplit_replica_eligible', { node: standby1 })).toBe(1);
    expect(valueOf(exp, 'rwsplit_replica_ejections_total', { node: standby1, reason: 'unreachable' })).toBe(0); // known from its first check, at 0
    expect(service.health.replicas().find((r) => r.name === dead)).toMatchObject({
      eligible: false,
      reason: 'unreachable',
      reachable: false,
    });
  } finally {
    await service.close();
  }
});
