// The Docker route cannot run here (no Docker engine), so its files are checked statically: the compose file's
// shape, and the shell scripts' syntax. docker/primary-init is run for real in primary-init.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '..', '..');
// merge: the services share their replication settings through a `<<: *replication-env` merge key.
const compose: unknown = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });

type Mapping = { [key: string]: unknown };
const asMap = (v: unknown): Mapping => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`not a mapping: ${JSON.stringify(v)}`);
  return v as Mapping;
};
const services = asMap(asMap(compose).services);

test('two services from the official postgres:17 image, on ports 5432 and 5433', () => {
  expect(Object.keys(services).sort()).toEqual(['postgres-primary', 'postgres-standby']);
  const primary = asMap(services['postgres-primary']);
  const standby = asMap(services['postgres-standby']);
  expect(primary.image).toBe('postgres:17');
  expect(standby.image).toBe('postgres:17');
  expect(primary.ports).toEqual(['5432:5432']);
  expect(standby.ports).toEqual(['5433:5432']);
  // The writer's docker-exec fallback defaults to this container name (WRITER_DOCKER_CONTAINER).
  expect(primary.container_name).toBe('postgres-primary');
});

test('both have pg_isready health checks; the standby waits for a healthy primary', () => {
  for (const name of ['postgres-primary', 'postgres-standby']) {
    const check = asMap(asMap(services[name]).healthcheck);
    expect((check.test as string[]).join(' ')).toMatch(/pg_isready/);
  }
  expect(asMap(asMap(services['postgres-standby']).depends_on)['postgres-primary']).toEqual({
    condition: 'service_healthy',
  });
});

test('replication settings: scram-sha-256, a replication role and slot shared by both services', () => {
  const primary = asMap(services['postgres-primary']);
  const standby = asMap(services['postgres-standby']);
  expect((primary.command as string[]).join(' ')).toMatch(/password_encryption=scram-sha-256/);
  expect(asMap(primary.environment).POSTGRES_HOST_AUTH_METHOD).toBe('scram-sha-256');
  for (const key of ['REPLICATION_USER', 'REPLICATION_PASSWORD', 'REPLICATION_SLOT']) {
    expect(asMap(primary.environment)[key]).toBeTruthy();
    expect(asMap(standby.environment)[key]).toBe(asMap(primary.environment)[key]);
  }
  expect(asMap(standby.environment).PRIMARY_HOST).toBe('postgres-primary');
});

test('the mounted scripts exist, and the standby bootstraps through its own entrypoint', () => {
  const mounts = Object.values(services).flatMap((s) => asMap(s).volumes as string[]);
  const local = mounts.filter((m) => m.startsWith('./')).map((m) => m.split(':')[0]!);
  expect(local.sort()).toEqual(['./docker/primary-init', './docker/standby-entrypoint.sh']);
  for (const file of local) expect(fs.existsSync(path.join(root, file))).toBe(true);
  expect(asMap(services['postgres-standby']).entrypoint).toEqual(['/bin/bash', '/rwsplit/standby-entrypoint.sh']);
  const entrypoint = fs.readFileSync(path.join(root, 'docker', 'standby-entrypoint.sh'), 'utf8');
  expect(entrypoint).toMatch(/if \[ ! -s "\$PGDATA\/PG_VERSION" \]/);
  expect(entrypoint).toMatch(/pg_basebackup[\s\S]*--write-recovery-conf/);
});

test('the comments document the app settings (DATABASE_URL, REPLICA_URLS) matching the services', () => {
  const text = fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
  expect(text).toMatch(/DATABASE_URL=postgresql:\/\/rwsplit:rwsplit-dev@localhost:5432\/rwsplit/);
  expect(text).toMatch(/REPLICA_URLS=postgresql:\/\/rwsplit:rwsplit-dev@localhost:5433\/rwsplit/);
});

test.each(['docker/standby-entrypoint.sh', 'docker/primary-init/10-rwsplit-init.sh'])(
  '%s is valid bash and executable',
  async (file) => {
    const r = await execa('bash', ['-n', path.join(root, file)], { reject: false });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(fs.statSync(path.join(root, file)).mode & 0o111).not.toBe(0);
  },
);

test('the merge key gives both services the shared replication settings', () => {
  const env = (name: string) => asMap(asMap(services[name]).environment);
  expect(env('postgres-standby').REPLICATION_SLOT).toBeTruthy();
  expect(env('postgres-primary').REPLICATION_SLOT).toBe(env('postgres-standby').REPLICATION_SLOT);
});
