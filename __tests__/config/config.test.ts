import { ConfigError, loadConfig, maskUrl } from '../../src/config';

describe('loadConfig', () => {
  test('with nothing set it targets the local cluster: a primary and two standbys', () => {
    const c = loadConfig({});
    expect(c.usesLocalCluster).toBe(true);
    expect(new URL(c.primaryUrl).port).toBe('15432');
    expect(c.replicaUrls.map((u) => new URL(u).port)).toEqual(['15433', '15434']);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.routing)).toBe(true);
  });

  test('DATABASE_URL and REPLICA_URLS point the app elsewhere', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgresql://app:secret@db:5432/app',
      REPLICA_URLS: ' postgresql://app:secret@r1:5433/app , postgres://app:secret@r2/app ',
    });
    expect(c.usesLocalCluster).toBe(false);
    expect(c.replicaUrls).toEqual(['postgresql://app:secret@r1:5433/app', 'postgres://app:secret@r2/app']);
    expect(c.writer.psqlHost).toBe('db');
    expect(c.writer.psqlPort).toBe(5432);
  });

  test.each([
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL is not a valid URL/],
    [{ DATABASE_URL: 'mysql://u:p@h:3306/d' }, /DATABASE_URL is not a postgres URL.*mysql:/],
    [{ DATABASE_URL: 'postgresql://u:p@h:5432' }, /DATABASE_URL names no database/],
    [{ REPLICA_URLS: 'postgresql://u:p@h/db,http://x/y' }, /REPLICA_URLS entry 2 is not a postgres URL/],
    [{ REPLICA_URLS: 'postgresql://u:p@h/db,,postgresql://u:p@h/db' }, /REPLICA_URLS entry 2 is empty/],
    [{ RWSPLIT_CLUSTER_PORTS: '15432' }, /RWSPLIT_CLUSTER_PORTS.*at least one standby/],
    [{ RWSPLIT_CLUSTER_PORTS: '15432,abc' }, /RWSPLIT_CLUSTER_PORTS.*whole number/],
    [{ RWSPLIT_CLUSTER_PORTS: '15432,15432' }, /RWSPLIT_CLUSTER_PORTS.*twice/],
    [{ RWSPLIT_CLUSTER_PORTS: '80,81' }, /at least 1024/],
    [{ WRITER_FALLBACK: 'carrier-pigeon' }, /WRITER_FALLBACK must be one of psql, docker-exec, off.*carrier-pigeon/],
    [{ WRITER_DOCKER_CONTAINER: 'x; rm -rf /' }, /WRITER_DOCKER_CONTAINER must be a container name/],
    [{ WRITER_CONNECT_TIMEOUT_MS: '-5' }, /WRITER_CONNECT_TIMEOUT_MS.*whole number|at least 1/],
    [{ RWSPLIT_MAX_LAG_MS: '-1' }, /RWSPLIT_MAX_LAG_MS must be at least 0/],
    [{ RWSPLIT_MAX_LAG_BYTES: '1.5' }, /RWSPLIT_MAX_LAG_BYTES must be a whole number/],
    [{ RWSPLIT_CHECK_INTERVAL_MS: '2000-1000' }, /RWSPLIT_CHECK_INTERVAL_MS needs 10 <= min <= max/],
    [{ RWSPLIT_CONSISTENCY: 'strong' }, /RWSPLIT_CONSISTENCY must be one of eventual, read-your-writes, primary/],
    [{ RWSPLIT_FALLBACK_TO_PRIMARY: 'maybe' }, /RWSPLIT_FALLBACK_TO_PRIMARY must be true or false/],
    [{ DATABASE_URL: 'postgresql://u:p@h:99999/db' }, /DATABASE_URL is not a valid URL/],
    [{ DATABASE_URL: 'postgresql://u:p@h:5432/db\u0000x' }, /DATABASE_URL contains a control character.*db%00x/],
    [{ REPLICA_URLS: 'postgresql://u:p@h/db\npostgresql://u:p@h2/db' }, /REPLICA_URLS entry 1 contains a control/],
    [{ DATABASE_URL: 'postgresql://u:p@/db' }, /DATABASE_URL (has no host|is not a valid URL)/],
    [{ WRITER_PSQL_PORT: '0' }, /WRITER_PSQL_PORT must be at least 1/],
    [{ RWSPLIT_RYW_WAIT_MS: 'soon' }, /RWSPLIT_RYW_WAIT_MS must be a whole number/],
    [{ RWSPLIT_CHECK_TIMEOUT_MS: '0' }, /RWSPLIT_CHECK_TIMEOUT_MS must be at least 1/],
    [{ RWSPLIT_SYNC_STANDBYS: '3' }, /RWSPLIT_SYNC_STANDBYS is 3 but the local cluster has only 2 standbys/],
  ])('%j is refused with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  test('errors never show a password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:hunter2@h/d' })).toThrow(/u:\*\*\*@h/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:hunter2@h/d' })).not.toThrow(/hunter2/);
  });

  test('a malformed URL whose password holds an @ is still masked', () => {
    const env = { DATABASE_URL: 'postgresql://u:se@cret@h:99999/db' };
    expect(() => loadConfig(env)).toThrow('"postgresql://u:***@h:99999/db"');
    expect(() => loadConfig(env)).not.toThrow(/se@|cret/);
  });

  test('a 1 MB value gives a one-line message that shows 80 characters of it and its length', () => {
    const huge = `postgresql://u:p@h/${'x'.repeat(1 << 20)}\u0000`;
    let message = '';
    try {
      loadConfig({ DATABASE_URL: huge });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^DATABASE_URL contains a control character/);
    expect(message).toContain(`(${huge.length} characters)`);
    expect(message.length).toBeLessThan(300);
    expect(message).not.toContain('\n');
    const zodPath = () => loadConfig({ WRITER_FALLBACK: 'p'.repeat(1 << 20) });
    expect(zodPath).toThrow(
      /^WRITER_FALLBACK: WRITER_FALLBACK must be one of .*\(got "p{80}… \(1048576 characters\)"\)$/,
    );
  });

  test('empty values count as unset', () => {
    expect(loadConfig({ DATABASE_URL: '  ', WRITER_FALLBACK: '' }).usesLocalCluster).toBe(true);
  });

  test('RWSPLIT_CHECK_TIMEOUT_MS defaults to the connect timeout', () => {
    expect(loadConfig({ WRITER_CONNECT_TIMEOUT_MS: '1500' }).routing.checkTimeoutMs).toBe(1500);
    expect(loadConfig({ RWSPLIT_CHECK_TIMEOUT_MS: '250' }).routing.checkTimeoutMs).toBe(250);
  });

  test('RWSPLIT_CHECK_INTERVAL_MS takes a range or a single value', () => {
    expect(loadConfig({ RWSPLIT_CHECK_INTERVAL_MS: '100-300' }).routing.checkIntervalMs).toEqual([100, 300]);
    expect(loadConfig({ RWSPLIT_CHECK_INTERVAL_MS: '250' }).routing.checkIntervalMs).toEqual([250, 250]);
  });

  test('RWSPLIT_CLUSTER_DIR wins over the default', () => {
    expect(loadConfig({ RWSPLIT_CLUSTER_DIR: '/srv/pg' }).cluster.dir).toBe('/srv/pg');
  });
});

describe('maskUrl', () => {
  test('hides the password, keeps the rest', () => {
    expect(maskUrl('postgresql://app:s3cr%40t@db:5432/app')).toBe('postgresql://app:***@db:5432/app');
    expect(maskUrl('postgresql://app@db/app')).toBe('postgresql://app@db/app');
    expect(maskUrl('garbage://u:pw@x')).not.toContain('pw@');
  });
});
