// patroniTopology against an HTTP server answering GET /cluster in Patroni 3's shape (the real HA cluster is
// exercised by the repository's HA tests): members tried in turn, hosts from Patroni, credentials from databaseUrl.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, patroniTopology, TopologyUnavailableError } from '../../src';

/** The members of a Patroni 3.0.2 `/cluster` answer, as the local HA cluster gives it. */
const CLUSTER = {
  scope: 'rwsplit-ha',
  members: [
    { name: 'ha1', role: 'leader', state: 'running', host: '10.0.0.1', port: 5432, timeline: 3 },
    { name: 'ha2', role: 'replica', state: 'running', host: '10.0.0.2', port: 5433, timeline: 3, lag: 0 },
    { name: 'ha3', role: 'replica', state: 'streaming', host: '10.0.0.3', port: 5434, timeline: 3, lag: 0 },
    { name: 'ha4', role: 'replica', state: 'running', host: '10.0.0.4', port: 5435, tags: { noloadbalance: true } },
    { name: 'ha5', role: 'replica', state: 'starting', host: '10.0.0.5', port: 5436 },
    { name: 'ha6', role: 'sync_standby', state: 'running', host: '10.0.0.6', port: 5437, timeline: 3 },
  ],
};

let server: http.Server;
let base: string;
let answer: (res: http.ServerResponse) => void = (res) => res.end(JSON.stringify(CLUSTER));
const asked: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    asked.push(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    answer(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const databaseUrl = 'postgresql://app:p%40ss@ignored:1/appdb?sslmode=disable';

test('members come from Patroni, credentials from databaseUrl; the leader takes writes, readable replicas reads', async () => {
  // The first member's REST port refuses: the next one is asked.
  const source = patroniTopology({ restUrls: ['http://127.0.0.1:1', `${base}/`], databaseUrl });
  const t = await source.read();
  expect(t.leaderUrl).toBe('postgresql://app:p%40ss@10.0.0.1:5432/appdb?sslmode=disable');
  expect(t.members.map((m) => [m.name, m.role, m.readable])).toEqual([
    ['ha1', 'leader', false],
    ['ha2', 'replica', true],
    ['ha3', 'replica', true],
    ['ha4', 'replica', false], // noloadbalance
    ['ha5', 'replica', false], // not running
    ['ha6', 'replica', true], // a synchronous standby serves reads too
  ]);
  expect(asked.at(-1)).toBe('/cluster');
  expect(source.refreshIntervalMs).toBe(2000);
});

test('IPv6 and host names from Patroni keep their form; a host that makes no address names the member', async () => {
  const members = [
    { name: 'v6', role: 'leader', state: 'running', host: 'fd00::1', port: 5432 },
    { name: 'v6b', role: 'replica', state: 'running', host: '[fd00::2]', port: 5433 },
    { name: 'dns', role: 'replica', state: 'running', host: 'DB-3.internal', port: 5434 },
  ];
  answer = (res) => res.end(JSON.stringify({ members }));
  const t = await patroniTopology({ restUrls: [base], databaseUrl }).read();
  expect(t.leaderUrl).toBe('postgresql://app:p%40ss@[fd00::1]:5432/appdb?sslmode=disable');
  expect(t.members.map((m) => new URL(m.url).host)).toEqual(['[fd00::1]:5432', '[fd00::2]:5433', 'DB-3.internal:5434']);

  for (const host of ['bad host', '', 'a/b']) {
    answer = (res) =>
      res.end(JSON.stringify({ members: [...members, { name: 'odd', role: 'replica', host, port: 5 }] }));
    const err = await patroniTopology({ restUrls: [base], databaseUrl })
      .read()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TopologyUnavailableError);
    expect((err as Error).message).toContain(
      `member odd has host "${host}" and port 5, which make no connection address`,
    );
  }
  answer = (res) => res.end(JSON.stringify(CLUSTER));
});

test('an unreadable answer from every member is a TopologyUnavailableError naming each', async () => {
  answer = (res) => res.end('{"members": "not a list"}');
  const err = await patroniTopology({ restUrls: [base], databaseUrl })
    .read()
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TopologyUnavailableError);
  expect((err as Error).message).toMatch(/not a Patroni \/cluster answer/);
  answer = (res) => res.writeHead(503).end('{}');
  await expect(patroniTopology({ restUrls: [base], databaseUrl }).read()).rejects.toThrow(/HTTP 503/);
  answer = (res) => res.end(JSON.stringify(CLUSTER));
});

test('a member that hangs is given up after requestTimeoutMs and the next is asked', async () => {
  const hung = http.createServer(() => undefined); // accepts, never answers
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  try {
    const hungUrl = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`;
    const t = await patroniTopology({ restUrls: [hungUrl, base], databaseUrl, requestTimeoutMs: 200 }).read();
    expect(t.members).toHaveLength(6);
  } finally {
    hung.closeAllConnections();
    await new Promise<void>((resolve) => hung.close(() => resolve()));
  }
});

test.each([
  [{ restUrls: [], databaseUrl }, /restUrls must list every member/],
  [{ restUrls: ['ftp://x'], databaseUrl }, /restUrls\[0\] must be http\(s\)/],
  [{ restUrls: ['not a url'], databaseUrl }, /restUrls\[0\] is not a URL/],
  [{ restUrls: ['http://127.0.0.1:9'], databaseUrl: 'mysql://x/y' }, /databaseUrl is not a postgres URL/],
  [
    { restUrls: ['http://127.0.0.1:9'], databaseUrl, refreshIntervalMs: 0 },
    /refreshIntervalMs must be a whole number of ms ≥ 1/,
  ],
])('refused: %j', (options, message) => {
  expect(() => patroniTopology(options)).toThrow(ConfigError);
  expect(() => patroniTopology(options)).toThrow(message);
});
