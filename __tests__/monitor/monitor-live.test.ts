// The monitor on the real cluster: reads seen by the standby's own counters, routed reads from events, the
// primary's WAL rate, and the `--once --json` script.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { withPg } from '../../src/db/pg-client';
import { createMonitor } from '../../src/monitor/monitor';
import type { MonitorSnapshot } from '../../src/monitor/monitor-snapshot';
import { configuredNodes } from '../../src/replication/configured-nodes';
import { SERVER_IDENTITY } from '../../src/replication/queries';

const config = loadConfig();
const root = path.resolve(__dirname, '..', '..');
const READS = 40;

const node = (s: MonitorSnapshot, name: string) => s.nodes.find((n) => n.name === name)!;

test('standalone: the standby counts the reads sent to it; the primary shows its WAL rate', async () => {
  const monitor = createMonitor({ nodes: configuredNodes(config), limits: config.routing, intervalMs: 100 });
  const first = await monitor.sample();
  expect(first.readsSource).toBe('server-xact-commit');
  expect(first.intervalMs).toBeNull();
  expect(node(first, 'standby1').reads).toBeNull();

  await withPg(config.replicaUrls[0]!, async (c) => {
    const [who] = (await c.query<{ port: number; in_recovery: boolean }>(SERVER_IDENTITY)).rows;
    expect(who).toMatchObject({ port: config.cluster.ports[1], in_recovery: true });
    for (let i = 1; i < READS; i++) {
      await c.query('SELECT id, data, created_at FROM test_replication ORDER BY created_at DESC LIMIT 10');
    }
  });
  await withPg(config.primaryUrl, (c) =>
    c.query("INSERT INTO test_replication (data) SELECT 'monitor-test' FROM generate_series(1, 50)"),
  );

  const second = await monitor.sample();
  expect(second.intervalMs).toBeGreaterThan(0);
  expect(second.primary).toBe('primary');
  expect(second.walBytesPerSec).toBeGreaterThan(0);
  // Our READS statements plus our connection's start-up transaction; other traffic may only add to it. A backend
  // publishes its counters as it exits, a moment after the client closed, so they may land in a later interval.
  let seen = node(second, 'standby1').reads ?? 0;
  for (let i = 0; i < 20 && seen < READS; i++) {
    await new Promise((r) => setTimeout(r, 100));
    seen += node(await monitor.sample(), 'standby1').reads ?? 0;
  }
  expect(seen).toBeGreaterThanOrEqual(READS);
  for (const name of ['standby1', 'standby2']) {
    expect(node(second, name)).toMatchObject({ role: 'standby', state: 'streaming', error: null });
    expect(node(second, name).lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(node(second, name).lagBytes).toBeGreaterThanOrEqual(0);
  }
  expect(node(second, 'primary')).toMatchObject({ role: 'primary', state: 'read-write', eligible: null });
});

test('with an event source: reads per node are the routed read operations of the interval', async () => {
  const monitor = createMonitor({
    nodes: configuredNodes(config),
    limits: config.routing,
    countRoutedReads: true,
  });
  await monitor.sample();
  const q = (n: string, operation: string) =>
    monitor.listener({ event: 'query', node: n, role: 'replica', operation, durationMs: 1, ok: true });
  for (let i = 0; i < 7; i++) q('standby1', 'findMany');
  for (let i = 0; i < 3; i++) q('standby2', 'count');
  q('primary', 'create');
  q('primary', 'findFirst');
  const snap = await monitor.sample();
  expect(snap.readsSource).toBe('routed-events');
  expect(node(snap, 'standby1').reads).toBe(7);
  expect(node(snap, 'standby2').reads).toBe(3);
  expect(node(snap, 'primary').reads).toBe(1);
  // Counts are per interval.
  expect(node(await monitor.sample(), 'standby1').reads).toBe(0);
});

test('`ts-node scripts/monitor.ts --once --json` prints one snapshot as JSON', () => {
  const r = spawnSync(
    path.join(root, 'node_modules', '.bin', 'ts-node'),
    [path.join(root, 'scripts', 'monitor.ts'), '--once', '--json', '--interval', '200'],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const snap = JSON.parse(r.stdout) as MonitorSnapshot;
  expect(snap.nodes.map((n) => [n.name, n.role])).toEqual([
    ['primary', 'primary'],
    ['standby1', 'standby'],
    ['standby2', 'standby'],
  ]);
  expect(snap.intervalMs).toBeGreaterThan(0);
  expect(snap.walBytesPerSec).not.toBeNull();
  expect(node(snap, 'standby1').readsPerSec).not.toBeNull();
  expect(new Date(snap.at).toISOString()).toBe(snap.at);
});
