import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { allNodesUp, checkNodes, formatNodeChecks, roleMismatches } from '../../src/replication/node-check';

const config = loadConfig();
const root = path.resolve(__dirname, '..', '..');

test('every configured node answers with its version, the right role and a latency', async () => {
  const checks = await checkNodes(config);
  expect(checks.map((c) => [c.name, c.role])).toEqual([
    ['primary', 'primary'],
    ...config.replicaUrls.map((_, i) => [`standby${i + 1}`, 'standby']),
  ]);
  for (const c of checks) {
    expect(c.version).toMatch(/^\d+\.\d+/);
    expect(c.latencyMs).toBeGreaterThanOrEqual(0);
    expect(c.error).toBeNull();
    expect(c.url).not.toContain(config.cluster.appPassword);
  }
  expect(allNodesUp(checks)).toBe(true);
  expect(roleMismatches(checks)).toEqual([]);
});

test('a replica on a dead port is reported down with the reason, without its password', async () => {
  const dead = config.replicaUrls[0]!.replace(/:\d+\//, ':1/');
  const checks = await checkNodes({ primaryUrl: config.primaryUrl, replicaUrls: [dead] });
  expect(checks[1]).toMatchObject({ name: 'standby1', role: 'down', version: null, latencyMs: null });
  expect(checks[1]!.error).toMatch(/ECONNREFUSED/);
  expect(allNodesUp(checks)).toBe(false);
  const table = formatNodeChecks(checks);
  expect(table).toMatch(/standby1.*down.*ECONNREFUSED/);
  expect(table).not.toContain(config.cluster.appPassword);
});

test('a primary URL given as a replica is flagged as a role mismatch', async () => {
  const checks = await checkNodes({ primaryUrl: config.primaryUrl, replicaUrls: [config.primaryUrl] });
  expect(roleMismatches(checks).map((c) => c.name)).toEqual(['standby1']);
});

test('`npm run check` exits 1 and names the node when one is down', () => {
  const dead = config.replicaUrls[0]!.replace(/:\d+\//, ':1/');
  const r = spawnSync(path.join(root, 'node_modules', '.bin', 'ts-node'), [path.join(root, 'scripts', 'check.ts')], {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      DATABASE_URL: config.primaryUrl,
      REPLICA_URLS: `${config.replicaUrls[1] ?? config.replicaUrls[0]},${dead}`,
    },
    timeout: 60_000,
  });
  expect(r.status).toBe(1);
  expect(r.stdout).toMatch(/standby2.*down/);
  expect(r.stderr).toContain('error: standby2 is down');
  expect(`${r.stdout}${r.stderr}`).not.toContain(config.cluster.appPassword);
});
