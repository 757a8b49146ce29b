// The demo end to end: on the test cluster through the library, and once as `npm run demo` on a fresh,
// unconfigured cluster folder, which it must create, start and migrate by itself.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { LocalCluster } from '../../src/cluster/local-cluster';
import { CLUSTER_BASE, loadConfig } from '../../src/config';
import { runDemo } from '../../src/demo/run-demo';
import { freePorts } from './free-ports';

const config = loadConfig();
const root = path.resolve(__dirname, '..', '..');
const standbyPorts = config.cluster.ports.slice(1);

test('runDemo: the row is read back from a standby, timings are reported, every standby holds every row', async () => {
  const sections: string[] = [];
  const r = await runDemo(config, { rows: 20, iterations: 10, print: (t) => sections.push(t) });

  expect(r.basic.written.via).toBe('prisma');
  expect(r.basic.primary).toMatchObject({ port: config.cluster.ports[0], inRecovery: false });
  expect(r.basic.readBack?.id).toBe(r.basic.written.id);
  expect(r.basic.readBack?.data).toBe(r.basic.written.data);
  expect(r.basic.readFrom.inRecovery).toBe(true);
  expect(standbyPorts).toContain(r.basic.readFrom.port);
  expect(r.basic.waits.map((w) => w.name)).toEqual(['standby1', 'standby2']);
  expect(r.basic.overview.standbys.map((s) => s.replication?.state)).toEqual(['streaming', 'streaming']);

  expect(r.performance.reads.samples).toBe(10);
  expect(r.performance.writes.samples).toBe(10);
  expect(r.performance.reads.p50Ms).toBeGreaterThan(0);
  expect(r.performance.writeToReadP50).toBeGreaterThan(0);

  expect(r.consistency.written).toBe(20);
  expect(r.consistency.nodes.map((n) => [n.name, n.present, n.missingIds.length])).toEqual([
    ['primary', 20, 0],
    ['standby1', 20, 0],
    ['standby2', 20, 0],
  ]);
  expect(r.consistency.consistent).toBe(true);

  const text = sections.join('\n');
  for (const title of ['1. Basic demo', '2. Performance test', '3. Data consistency', 'pg_stat_replication']) {
    expect(text).toContain(title);
  }
});

test('`npm run demo` on a fresh clone with nothing configured creates the cluster, migrates, runs and exits 0', async () => {
  const dir = path.join(CLUSTER_BASE, '.cluster-b-fresh-demo');
  // A cluster left over from an interrupted run is removed with the ports it was made with.
  await new LocalCluster({ ...config.cluster, dir }).reset();
  const ports = await freePorts(3);
  const cluster = new LocalCluster({ ...config.cluster, dir, ports });
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, RWSPLIT_CLUSTER_DIR: dir, RWSPLIT_CLUSTER_PORTS: ports.join(',') };
    delete env.DATABASE_URL;
    delete env.REPLICA_URLS;
    const r = spawnSync(
      path.join(root, 'node_modules', '.bin', 'ts-node'),
      [path.join(root, 'scripts', 'demo.ts'), '--rows', '5', '--iterations', '5'],
      { cwd: root, encoding: 'utf8', env, timeout: 120_000 },
    );
    const output = `${r.stdout}${r.stderr}`;
    expect({ status: r.status, output }).toEqual({
      status: 0,
      output: expect.stringContaining('consistent: every node holds all 5 rows'),
    });
    expect(output).toContain('migrations: 20261125000000_init');
    expect(output).toMatch(
      new RegExp(`read row \\d+ back through the replicated client from standby\\d, port (${ports[1]}|${ports[2]})`),
    );
    expect(existsSync(path.join(dir, 'standby2', 'PG_VERSION'))).toBe(true);
    expect(output).not.toContain(config.cluster.appPassword);
  } finally {
    await cluster.reset();
  }
});
