// What `up` checks before it creates or starts anything: a socket path over the Unix limit (a deep clone) and, as
// root, a cluster folder the `postgres` account cannot reach (a clone under a 0700 home). Throwaway folders only;
// no server is started.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalCluster } from '../../src/cluster/local-cluster';
import { serverAccount } from '../../src/cluster/os-user';
import {
  ClusterPreflightError,
  MAX_SOCKET_PATH_BYTES,
  checkServerCanReach,
  checkSocketPaths,
  ephemeralPortRange,
  ephemeralPortWarning,
  socketPath,
} from '../../src/cluster/preflight';
import { loadConfig, type LocalClusterConfig } from '../../src/config';

const PORTS = [25490, 25491, 25492];
const base = loadConfig({}).cluster;
const withDir = (dir: string): LocalClusterConfig => ({ ...base, dir, ports: PORTS });

let scratch: string;
beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'rw-pre-'));
  // mkdtemp makes a 0700 folder: open it, so only the folders a test closes stand in the way.
  await fs.chmod(scratch, 0o755);
});
afterAll(async () => {
  await fs.rm(scratch, { recursive: true, force: true });
});

/** A folder path under the scratch folder whose socket path is exactly `bytes` long. */
function dirWithSocketLength(bytes: number): string {
  const suffix = Buffer.byteLength(socketPath(withDir(scratch), PORTS[0]!)) - Buffer.byteLength(scratch);
  const room = bytes - suffix - Buffer.byteLength(scratch) - 1;
  return path.join(scratch, 'd'.repeat(room));
}

describe('ports in the ephemeral range', () => {
  const range = { low: 32768, high: 60999 };

  test('the default ports lie below it, so no warning', () => {
    expect(ephemeralPortWarning(base, range)).toBeUndefined();
  });

  test('ports inside it are named, with the range and the variable to change', () => {
    const warning = ephemeralPortWarning({ ...base, ports: [25490, 54321, 54322] }, range);
    expect(warning).toMatch(/^Ports 54321, 54322 lie in this machine's ephemeral range \(32768-60999\)/);
    expect(warning).toContain('RWSPLIT_CLUSTER_PORTS');
    expect(ephemeralPortWarning({ ...base, ports: [54320, 25491] }, range)).toMatch(/^Port 54320 lies in/);
  });

  test("this machine's range is read from /proc", () => {
    const own = ephemeralPortRange();
    if (existsSync('/proc/sys/net/ipv4/ip_local_port_range')) {
      expect(own!.low).toBeGreaterThan(1023);
      expect(own!.high).toBeGreaterThanOrEqual(own!.low);
    } else {
      expect(own).toBeUndefined();
    }
  });
});

describe('socket path length', () => {
  test(`a socket path of exactly ${MAX_SOCKET_PATH_BYTES} bytes passes; one byte more is refused with advice`, () => {
    const fits = withDir(dirWithSocketLength(MAX_SOCKET_PATH_BYTES));
    expect(Buffer.byteLength(socketPath(fits, PORTS[0]!))).toBe(MAX_SOCKET_PATH_BYTES);
    expect(() => checkSocketPaths(fits)).not.toThrow();

    const tooLong = withDir(dirWithSocketLength(MAX_SOCKET_PATH_BYTES + 1));
    expect(() => checkSocketPaths(tooLong)).toThrow(ClusterPreflightError);
    expect(() => checkSocketPaths(tooLong)).toThrow(
      new RegExp(
        `Unix socket .*\\.s\\.PGSQL\\.${PORTS[0]} would be ${MAX_SOCKET_PATH_BYTES + 1} bytes long, over the ` +
          `${MAX_SOCKET_PATH_BYTES}-byte limit.*RWSPLIT_CLUSTER_DIR=/tmp/`,
      ),
    );
  });

  test('up with a deep cluster folder fails at once and creates nothing', async () => {
    const dir = path.join(scratch, 'deep', 'x'.repeat(100));
    const cluster = new LocalCluster(withDir(dir));
    await expect(cluster.up()).rejects.toThrow(/over the 107-byte limit of Unix socket paths/);
    expect(existsSync(path.join(scratch, 'deep'))).toBe(false);
  });
});

describe('a cluster folder the server account cannot reach', () => {
  const other = { uid: 65534, gid: 65534 };

  test('a 0700 folder on the way is named, with its mode and the way out', async () => {
    const home = path.join(scratch, 'home');
    await fs.mkdir(home, { mode: 0o700 });
    await fs.chmod(home, 0o700);
    const dir = path.join(home, 'project', '.cluster');
    await expect(checkServerCanReach(dir, other)).rejects.toThrow(ClusterPreflightError);
    await expect(checkServerCanReach(dir, other)).rejects.toThrow(
      new RegExp(
        `cannot reach the local cluster's folder ${dir}: ${home} \\(mode 0700, owner uid ${os.userInfo().uid}\\) ` +
          'does not let it through.*Permission denied.*RWSPLIT_CLUSTER_DIR=/tmp/',
      ),
    );
  });

  test.each([
    ['searchable by others (0711)', 0o711, other],
    ['searchable by its group, the account being in it (0710)', 0o710, { uid: 65534, gid: os.userInfo().gid }],
  ])('%s: passes', async (_name, mode, runAs) => {
    const home = path.join(scratch, `ok-${mode.toString(8)}`);
    await fs.mkdir(home);
    await fs.chmod(home, mode);
    await expect(checkServerCanReach(path.join(home, 'project', '.cluster'), runAs)).resolves.toBeUndefined();
  });

  test('not root (no server account): nothing to check', async () => {
    await expect(checkServerCanReach('/root/x/.cluster', undefined)).resolves.toBeUndefined();
  });

  const asRoot = os.userInfo().uid === 0 ? test : test.skip;
  asRoot('as root, up on a clone under a 0700 home fails at once, before initdb, naming that home', async () => {
    const home = path.join(scratch, 'root-home');
    await fs.mkdir(home);
    await fs.chmod(home, 0o700);
    const dir = path.join(home, 'clone', '.cluster');
    const account = await serverAccount();
    const cluster = new LocalCluster(withDir(dir));
    await expect(cluster.up()).rejects.toThrow(
      new RegExp(`"postgres" account \\(uid ${account!.uid}\\), which cannot reach .*: ${home} \\(mode 0700`),
    );
    expect(existsSync(path.join(home, 'clone'))).toBe(false);
  });
});
