import { clusterBaseDir } from '../../src/cluster/cluster-base-dir';

describe('clusterBaseDir', () => {
  const modes: Record<string, number> = {
    '/': 0o755,
    '/root': 0o700,
    '/root/app': 0o755,
    '/work': 0o755,
    '/work/app': 0o755,
  };
  const stat = (p: string) => {
    const mode = modes[p];
    if (mode === undefined) throw new Error(`ENOENT ${p}`);
    return { mode };
  };
  test('the project folder, unless root with a folder on the way closed to other accounts', () => {
    expect(clusterBaseDir('/work/app', { isRoot: true, tmpDir: '/tmp' }, stat)).toBe('/work/app');
    expect(clusterBaseDir('/root/app', { isRoot: false, tmpDir: '/tmp' }, stat)).toBe('/root/app');
    const moved = clusterBaseDir('/root/app', { isRoot: true, tmpDir: '/tmp' }, stat);
    expect(moved).toMatch(/^\/tmp\/rwsplit-[0-9a-f]{12}$/);
    // Stable for one project, different for another.
    expect(clusterBaseDir('/root/app', { isRoot: true, tmpDir: '/tmp' }, stat)).toBe(moved);
    modes['/root/other'] = 0o755;
    expect(clusterBaseDir('/root/other', { isRoot: true, tmpDir: '/tmp' }, stat)).not.toBe(moved);
  });
});
