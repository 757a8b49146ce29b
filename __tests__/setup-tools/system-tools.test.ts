// What `npm test` installs before it runs: only missing tools, only as root with apt-get, retrying after an
// `apt-get update`, and a clear error when the package does not make the tool work. The real tools are checked too.
import os from 'node:os';
import { ensureSystemTools, planInstall, SYSTEM_TOOLS, type SystemTool } from '../../src/setup/system-tools';

function tool(name: string, debianPackage: string | null, present: () => boolean): SystemTool {
  return { name, debianPackage, neededFor: `the ${name} test`, present: async () => present() };
}

test('plan: root with apt installs the packages of missing tools; optional tools are only reported', () => {
  const plan = planInstall([tool('psql', 'postgresql-client', () => false), tool('pgbench', null, () => false)], {
    isRoot: true,
    hasApt: true,
  });
  expect(plan.install).toEqual(['postgresql-client']);
  expect(plan.advice).toEqual(['pgbench is not installed (used for the pgbench test); it is optional.']);
});

test('plan: a normal user, or no apt-get, gets advice naming the package instead', () => {
  const missing = [tool('chromium', 'chromium', () => false)];
  const user = planInstall(missing, { isRoot: false, hasApt: true });
  expect(user.install).toEqual([]);
  expect(user.advice[0]).toMatch(/chromium is not installed .*not running as root.*apt-get install -y chromium/);
  const noApt = planInstall(missing, { isRoot: true, hasApt: false });
  expect(noApt.advice[0]).toMatch(/apt-get is not available/);
});

test('nothing missing: apt-get is never run', async () => {
  const calls: string[][] = [];
  const result = await ensureSystemTools([tool('psql', 'postgresql-client', () => true)], {
    isRoot: true,
    hasApt: true,
    apt: async (args) => void calls.push([...args]),
  });
  expect(result).toEqual({ installed: [], advice: [] });
  expect(calls).toEqual([]);
});

test('a failed install is retried once after apt-get update, and the tool is checked again', async () => {
  let installed = false;
  const calls: string[][] = [];
  const result = await ensureSystemTools([tool('chromium', 'chromium', () => installed)], {
    isRoot: true,
    hasApt: true,
    apt: async (args) => {
      calls.push([...args]);
      if (args[0] === 'install' && calls.length === 1) throw new Error('E: Unable to locate package chromium');
      if (args[0] === 'install') installed = true;
    },
  });
  expect(calls).toEqual([
    ['install', '-y', '--no-install-recommends', 'chromium'],
    ['update'],
    ['install', '-y', '--no-install-recommends', 'chromium'],
  ]);
  expect(result.installed).toEqual(['chromium']);
});

test('apt-get failing twice, or a package that does not make the tool run, is a clear error', async () => {
  const failing = ensureSystemTools([tool('chromium', 'chromium', () => false)], {
    isRoot: true,
    hasApt: true,
    apt: async () => {
      throw new Error('E: network unreachable');
    },
  });
  await expect(failing).rejects.toThrow(/Could not install chromium with apt-get\. Install them by hand/);
  const useless = ensureSystemTools([tool('chromium', 'chromium', () => false)], {
    isRoot: true,
    hasApt: true,
    apt: async () => undefined,
  });
  await expect(useless).rejects.toThrow(/installed chromium, but chromium still does not run/);
});

test('on this machine psql answers, and as root (CI) so do chromium, the HA tools and pgbouncer, which pretest installed', async () => {
  // A normal user without chromium was told by pretest how to install it, and the render test says it skipped.
  const required =
    os.userInfo().uid === 0
      ? ['psql', 'chromium', 'patroni', 'etcd', 'etcdctl', 'pg_basebackup (PostgreSQL 15)', 'pgbouncer']
      : ['psql'];
  for (const name of required) {
    const found = SYSTEM_TOOLS.find((t) => t.name === name);
    expect(found).toBeDefined();
    expect(await found!.present()).toBe(true);
  }
});
