// docker/primary-init for real: the init script runs through the real psql against the local primary (as the
// superuser over its Unix socket, as the image runs it), with names of its own so nothing clashes.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { loadConfig } from '../../src/config';
import { LocalCluster } from '../../src/cluster/local-cluster';
import { queryOnce, withPg } from '../../src/db/pg-client';
import { locatePsql } from '../../src/writer/psql-locator';

const root = path.resolve(__dirname, '..', '..');
const script = path.join(root, 'docker', 'primary-init', '10-rwsplit-init.sh');
const config = loadConfig(process.env);
const cluster = new LocalCluster(config.cluster);
const primary = cluster.node('primary');
const admin = cluster.adminTarget(primary);

const suffix = randomBytes(4).toString('hex');
// Upper case, a space and quotes make sure every name and password is quoted by format(), not spliced.
const names = {
  app_user: `Rw App "${suffix}"`,
  app_db: `rw db ${suffix}`,
  repl_user: `Repl'${suffix}`,
  slot_name: `slot_${suffix}`,
};
const passwords = { app: `p'a"s s\\${suffix}`, repl: `r'e;pl ${suffix} --` };

let pgdata: string;
let env: Record<string, string>;

beforeAll(async () => {
  pgdata = await fs.mkdtemp(path.join(os.tmpdir(), 'rwsplit-pgdata-'));
  await fs.writeFile(path.join(pgdata, 'pg_hba.conf'), 'host all all all scram-sha-256\n');
  const psql = (await locatePsql()).file;
  env = {
    // As in the image: psql on PATH, PGDATA, the superuser, and a server on the default (here: our) socket.
    PATH: psql.includes('/') ? `${path.dirname(psql)}${path.delimiter}${process.env.PATH}` : (process.env.PATH ?? ''),
    PGDATA: pgdata,
    PGHOST: String(admin.host),
    PGPORT: String(primary.port),
    POSTGRES_USER: config.cluster.adminUser,
    POSTGRES_DB: 'postgres',
    APP_USER: names.app_user,
    APP_PASSWORD: passwords.app,
    APP_DB: names.app_db,
    REPLICATION_USER: names.repl_user,
    REPLICATION_PASSWORD: passwords.repl,
    REPLICATION_SLOT: names.slot_name,
  };
});

afterAll(async () => {
  await withPg(admin, async (c) => {
    await c.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [
      names.slot_name,
    ]);
    for (const sql of [
      `SELECT format('DROP DATABASE IF EXISTS %I', $1::text) AS sql`,
      `SELECT format('DROP ROLE IF EXISTS %I', $1::text) AS sql`,
    ]) {
      const targets = sql.includes('DATABASE') ? [names.app_db] : [names.app_user, names.repl_user];
      for (const name of targets) {
        const { rows } = await c.query<{ sql: string }>(sql, [name]);
        await c.query(rows[0]!.sql);
      }
    }
  });
  await fs.rm(pgdata, { recursive: true, force: true });
});

async function runInit(): Promise<void> {
  const r = await execa('bash', [script], { env, reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0) throw new Error(`init failed (${r.exitCode}): ${r.stderr}`);
}

async function snapshot() {
  type Role = { rolname: string; rolcanlogin: boolean; rolreplication: boolean; rolsuper: boolean; scram: boolean };
  const roles = await queryOnce<Role>(
    admin,
    `SELECT rolname, rolcanlogin, rolreplication, rolsuper, rolpassword LIKE 'SCRAM-SHA-256$%' AS scram
       FROM pg_authid WHERE rolname = ANY($1) ORDER BY rolname`,
    [[names.app_user, names.repl_user]],
  );
  const monitor = await queryOnce<{ member: boolean }>(
    admin,
    "SELECT pg_has_role($1, 'pg_monitor', 'MEMBER') AS member",
    [names.app_user],
  );
  const db = await queryOnce<{ owner: string; encoding: string }>(
    admin,
    `SELECT pg_get_userbyid(datdba) AS owner, pg_encoding_to_char(encoding) AS encoding
       FROM pg_database WHERE datname = $1`,
    [names.app_db],
  );
  const slots = await queryOnce<{ slot_type: string }>(
    admin,
    'SELECT slot_type FROM pg_replication_slots WHERE slot_name = $1',
    [names.slot_name],
  );
  const hba = (await fs.readFile(path.join(pgdata, 'pg_hba.conf'), 'utf8')).split('\n');
  return { roles, monitor: monitor[0]?.member, db, slots, hba };
}

test('creates the roles, the app database, the slot and the pg_hba replication line; a re-run changes nothing', async () => {
  await runInit();
  const first = await snapshot();
  expect(first.roles).toEqual(
    [
      { rolname: names.app_user, rolcanlogin: true, rolreplication: false, rolsuper: false, scram: true },
      { rolname: names.repl_user, rolcanlogin: true, rolreplication: true, rolsuper: false, scram: true },
    ].sort((a, b) => (a.rolname < b.rolname ? -1 : 1)),
  );
  expect(first.monitor).toBe(true);
  expect(first.db).toEqual([{ owner: names.app_user, encoding: 'UTF8' }]);
  expect(first.slots).toEqual([{ slot_type: 'physical' }]);
  expect(first.hba.filter((l) => l === `host replication ${names.repl_user} all scram-sha-256`)).toHaveLength(1);

  await runInit();
  expect(await snapshot()).toEqual(first);
});

test('the app role logs in over TCP with scram-sha-256 and its password, into its own database', async () => {
  const url = new URL(`postgresql://127.0.0.1:${primary.port}/`);
  url.username = encodeURIComponent(names.app_user);
  url.password = encodeURIComponent(passwords.app);
  url.pathname = `/${encodeURIComponent(names.app_db)}`;
  const rows = await queryOnce<{ who: string; db: string }>(
    url.toString(),
    'SELECT current_user AS who, current_database() AS db',
  );
  expect(rows).toEqual([{ who: names.app_user, db: names.app_db }]);
});

test('a missing password stops the script before it touches the server', async () => {
  const r = await execa('bash', [script], { env: { ...env, APP_PASSWORD: '' }, reject: false, stdin: 'ignore' });
  expect(r.exitCode).not.toBe(0);
  expect(r.stderr).toMatch(/APP_PASSWORD/);
});
