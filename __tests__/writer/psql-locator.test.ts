import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PsqlNotFoundError, debianPsqls, locatePsql } from '../../src/writer/psql-locator';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'rwsplit-pgroot-'));
  for (const v of ['9.6', '13', '17', '15', 'common']) await fs.mkdir(path.join(root, v, 'bin'), { recursive: true });
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

test('finds a psql that answers --version', async () => {
  const found = await locatePsql();
  expect(found.version).toMatch(/^psql \(PostgreSQL\) \d+/);
});

test('Debian majors are tried newest first, ignoring other folders', async () => {
  expect(await debianPsqls(root)).toEqual(['17', '15', '13', '9.6'].map((v) => path.join(root, v, 'bin', 'psql')));
  expect(await debianPsqls(path.join(root, 'missing'))).toEqual([]);
});

test('without psql on PATH, the newest Debian psql that runs is used', async () => {
  const real = await locatePsql();
  const resolved = real.file.includes('/') ? real.file : await which(real.file);
  // Only 15 holds a working psql; 17 is newer but empty, so it is skipped.
  await fs.symlink(resolved, path.join(root, '15', 'bin', 'psql'));
  const found = await locatePsql({ env: { PATH: path.join(root, 'common') }, debianRoot: root });
  expect(found.file).toBe(path.join(root, '15', 'bin', 'psql'));
});

test('no psql anywhere: a clear error listing what was tried', async () => {
  const attempt = locatePsql({ env: { PATH: path.join(root, 'common') }, debianRoot: path.join(root, 'missing') });
  await expect(attempt).rejects.toThrow(PsqlNotFoundError);
  await expect(attempt).rejects.toThrow(/No psql client found \(tried psql\).*apt-get install postgresql-client/);
});

test('a configured psql that does not run is an error naming WRITER_PSQL, with no silent fallback', async () => {
  await expect(locatePsql({ configured: '/bin/false' })).rejects.toThrow(/WRITER_PSQL is "\/bin\/false"/);
});

async function which(name: string): Promise<string> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, name);
    if (
      await fs.access(file, fs.constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return file;
  }
  throw new Error(`${name} not on PATH`);
}
