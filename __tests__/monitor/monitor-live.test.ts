// The monitor on the real cluster, standalone: transactions seen by the servers' own counters, the primary's WAL
// rate, and the `--once --json` script. Routed reads (from a real router) are in monitor-routed-reads.test.ts.
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
  expect(first.readsSource).toBeNull();
  expect(first.intervalMs).toBeNull();
  expect(node(first, 'standby1').serverTransactions).toBeNull();

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
  let seen = node(second, 'standby1').serverTransactions ?? 0;
  for (let i = 0; i < 20 && seen < READS; i++) {
    await new Promise((r) => setTimeout(r, 100));
    seen += node(await monitor.sample(), 'standby1').serverTransactions ?? 0;
  }
  // Without a read source nothing claims to be a routed read.
  expect(second.nodes.every((n) => n.reads === null && n.readsPerSec === null)).toBe(true);
  expect(seen).toBeGreaterThanOrEqual(READS);
  for (const name of ['standby1', 'standby2']) {
    expect(node(second, name)).toMatchObject({ role: 'standby', state: 'streaming', error: null });
    expect(node(second, name).lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(node(second, name).lagBytes).toBeGreaterThanOrEqual(0);
  }
  expect(node(second, 'primary')).toMatchObject({ role: 'primary', state: 'read-write', eligible: null });
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
  expect(snap.readsSource).toBeNull();
  expect(node(snap, 'standby1').serverTransactionsPerSec).not.toBeNull();
  expect(node(snap, 'standby1').readsPerSec).toBeNull();
  expect(node(snap, 'standby1').address).toBe(`127.0.0.1:${config.cluster.ports[1]}`);
  expect(new Date(snap.at).toISOString()).toBe(snap.at);
});
