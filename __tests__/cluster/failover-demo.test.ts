// `npm run cluster:failover` on a cluster of this file's own: the demo creates it, writes through a routed client,
// fails over, and writes and reads again through the same client. Then `cluster:up` must work on the failed-over
// cluster, keeping the old primary retired.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { failedOverNotice } from '../../src/cluster/cluster-commands';
import { RESTORE_HINT, runFailoverDemo } from '../../src/cluster/failover-demo';
import { LocalCluster, portAnswers } from '../../src/cluster/local-cluster';
import { CLUSTER_BASE, loadConfig, localNodeUrl, PROJECT_ROOT } from '../../src/config';
import { queryOnce } from '../../src/db/pg-client';

const PORTS = [25730, 25731, 25732];
const dir = path.join(CLUSTER_BASE, '.cluster-f-failover');
const env = { RWSPLIT_CLUSTER_DIR: dir, RWSPLIT_CLUSTER_PORTS: PORTS.join(',') };
const config = loadConfig(env);
const cluster = new LocalCluster(config.cluster);
const secrets = [config.cluster.appPassword, config.cluster.replicationPassword];

beforeAll(async () => {
  await cluster.reset(); // whatever an interrupted run left
}, 60_000);
afterAll(async () => {
  await cluster.reset();
}, 60_000);

let demo: Awaited<ReturnType<typeof runFailoverDemo>>;
const printed: string[] = [];

test('the demo: the same router writes before and after the promotion, and reads still work', async () => {
  demo = await runFailoverDemo(config, { print: (text) => printed.push(text) });

  expect(demo.before.server).toEqual({ port: PORTS[0], inRecovery: false });
  expect([demo.oldPrimary, demo.newPrimary]).toEqual(['primary', 'standby1']);
  expect(demo.primaryChanged).toEqual({ from: `127.0.0.1:${PORTS[0]}`, to: `127.0.0.1:${PORTS[1]}` });
  expect(demo.after.server).toEqual({ port: PORTS[1], inRecovery: false });
  // standby2's own WAL receiver says where it streams from.
  expect(demo.standbys).toEqual([{ name: 'standby2', status: 'streaming', senderPort: PORTS[1] }]);
  expect(demo.read).toEqual({ node: `127.0.0.1:${PORTS[2]}`, role: 'replica', found: true });

  // Both rows are on the new primary: the one from before (replicated) and the one from after.
  const rows = await queryOnce<{ id: number }>(
    localNodeUrl(config.cluster, 1),
    'SELECT id FROM test_replication WHERE id = ANY($1) ORDER BY id',
    [[demo.before.id, demo.after.id]],
  );
  expect(rows.map((r) => r.id)).toEqual([demo.before.id, demo.after.id]);

  const text = printed.join('\n');
  for (const heading of [
    '1. write through the router before the failover',
    '2. fail over: stop primary (immediate), promote standby1',
    '3. write again through the same router',
    '4. the other standbys stream from standby1',
    '5. reads still work',
  ]) {
    expect(text).toContain(heading);
  }
  expect(text).toContain(`primary_changed 127.0.0.1:${PORTS[0]} → 127.0.0.1:${PORTS[1]}`);
  expect(text).toContain(RESTORE_HINT);
  for (const secret of secrets) expect(text).not.toContain(secret);
});

test('run again on the failed-over cluster, the demo refuses and says how to start afresh', async () => {
  await expect(runFailoverDemo(config)).rejects.toThrow(
    `The local cluster has already failed over (standby1 is primary). Start afresh: ${RESTORE_HINT}`,
  );
});

test('`cluster:up` after the failover: the new primary is migrated, the old one stays down and shows as retired', () => {
  const r = spawnSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'ts-node'), ['scripts/cluster.ts', 'up'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env, DATABASE_URL: '', REPLICA_URLS: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const output = `${r.stdout}${r.stderr}`;
  expect({ status: r.status, output }).toEqual({
    status: 0,
    output: expect.stringContaining('migrations: up to date'),
  });
  expect(output).toMatch(new RegExp(`primary +│ ${PORTS[0]} │ retired`));
  expect(output).toMatch(new RegExp(`standby1 │ ${PORTS[1]} │ primary`));
  expect(output).toMatch(new RegExp(`standby2 │ ${PORTS[2]} │ standby │ streaming`));
  expect(output).toContain(`The cluster is failed over: standby1 (port ${PORTS[1]}) is primary`);
  for (const secret of secrets) expect(output).not.toContain(secret);
});

test('down and up keep the failover: a retired node is never started, even with its folder gone', async () => {
  await cluster.down();
  await fs.rm(path.join(dir, 'primary'), { recursive: true });
  await cluster.up();

  expect(existsSync(path.join(dir, 'primary'))).toBe(false);
  expect(await portAnswers('127.0.0.1', PORTS[0]!)).toBe(false);
  expect((await cluster.status()).map((s) => [s.name, s.role, s.state])).toEqual([
    ['primary', 'retired', '-'],
    ['standby1', 'primary', '-'],
    ['standby2', 'standby', 'streaming'],
  ]);
  expect(await failedOverNotice(cluster)).toContain(RESTORE_HINT);
});
