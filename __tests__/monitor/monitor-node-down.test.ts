// A standby of a throwaway cluster (this helper's own ports) is stopped: the monitor shows it down and not
// eligible; started again, it comes back by itself in the next sample.
import { loadConfig } from '../../src/config';
import { LocalCluster } from '../../src/cluster/local-cluster';
import { createMonitor } from '../../src/monitor/monitor';
import type { MonitorSnapshot } from '../../src/monitor/monitor-snapshot';
import { configuredNodes } from '../../src/replication/configured-nodes';

jest.setTimeout(180_000);

const config = loadConfig({ RWSPLIT_CLUSTER_DIR: '.cluster-c-monitor', RWSPLIT_CLUSTER_PORTS: '25610,25611,25612' });
const cluster = new LocalCluster(config.cluster);
const node = (s: MonitorSnapshot, name: string) => s.nodes.find((n) => n.name === name)!;

beforeAll(() => cluster.up());
afterAll(() => cluster.reset());

test('stopped standby shows as down, then comes back', async () => {
  const monitor = createMonitor({ nodes: configuredNodes(config), limits: config.routing, intervalMs: 100 });
  const before = await monitor.sample();
  expect(node(before, 'standby2')).toMatchObject({ role: 'standby', state: 'streaming', eligible: true });

  await cluster.stop('standby2', 'immediate');
  const stopped = await monitor.sample();
  expect(node(stopped, 'standby2')).toMatchObject({
    role: 'down',
    state: 'down',
    eligible: false,
    ineligibleReason: 'unreachable',
    lsn: null,
    reads: null,
  });
  expect(node(stopped, 'standby2').error).toMatch(/ECONNREFUSED|connect/i);
  expect(node(stopped, 'standby1')).toMatchObject({ role: 'standby', eligible: true });
  expect(node(stopped, 'primary')).toMatchObject({ role: 'primary' });

  await cluster.start('standby2');
  await cluster.waitForStreaming();
  const back = await monitor.sample();
  expect(node(back, 'standby2')).toMatchObject({ role: 'standby', state: 'streaming', eligible: true, error: null });
  expect(node(back, 'standby2').lagBytes).toBeGreaterThanOrEqual(0);
});
