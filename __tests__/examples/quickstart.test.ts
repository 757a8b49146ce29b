// The README's quickstart (examples/quickstart.ts) runs against the cluster, using rwsplit by its package name.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config';

test("the README's example runs against the cluster", () => {
  const r = spawnSync(
    path.join(PROJECT_ROOT, 'node_modules', '.bin', 'ts-node'),
    [path.join(PROJECT_ROOT, 'examples', 'quickstart.ts')],
    {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/wrote row \d+, read it back: hello from the quickstart/);
  expect(r.stdout).toMatch(/rwsplit_queries_total\{node="127\.0\.0\.1:\d+",role="primary",operation="create"\} 1/);
});
