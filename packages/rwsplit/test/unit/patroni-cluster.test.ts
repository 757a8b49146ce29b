// readPatroniCluster, the one reader of Patroni's GET /cluster (patroniTopology and the repository's HA tooling use
// it), against an HTTP server answering in Patroni 3's shape: members tried in turn, each failure named.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, readPatroniCluster, TopologyUnavailableError } from '../../src';

const CLUSTER = {
  scope: 'rwsplit-ha',
  members: [
    { name: 'ha1', role: 'leader', state: 'running', host: '10.0.0.1', port: 5432, timeline: 3, api_url: 'x' },
    { name: 'ha2', role: 'replica', state: 'streaming', host: '10.0.0.2', port: 5433, timeline: 3, lag: 0 },
    { name: 'ha3', role: 'replica', host: '10.0.0.3', port: 5434, lag: 'unknown', tags: { nofailover: true } },
  ],
};

let server: http.Server;
let base: string;
let answer: (res: http.ServerResponse) => void = (res) => res.end(JSON.stringify(CLUSTER));

beforeAll(async () => {
  server = http.createServer((_req, res) => answer(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('the first member that answers gives the members, validated; a state Patroni leaves out is ""', async () => {
  const cluster = await readPatroniCluster(['http://127.0.0.1:1', base]);
  expect(cluster.scope).toBe('rwsplit-ha');
  expect(cluster.members.map((m) => [m.name, m.role, m.state, m.host, m.port, m.timeline, m.lag])).toEqual([
    ['ha1', 'leader', 'running', '10.0.0.1', 5432, 3, undefined],
    ['ha2', 'replica', 'streaming', '10.0.0.2', 5433, 3, 0],
    ['ha3', 'replica', '', '10.0.0.3', 5434, undefined, 'unknown'],
  ]);
  expect(cluster.members[2]!.tags).toEqual({ nofailover: true });
});

test('when no member answers, a TopologyUnavailableError names each failure', async () => {
  const hung = http.createServer(() => undefined); // accepts, never answers
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  const hungUrl = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`;
  try {
    answer = (res) => res.writeHead(503).end('{"state":"stopped"}');
    const err = (await readPatroniCluster(['http://127.0.0.1:1', hungUrl, base], { requestTimeoutMs: 200 }).catch(
      (e: unknown) => e,
    )) as TopologyUnavailableError;
    expect(err).toBeInstanceOf(TopologyUnavailableError);
    expect(err.message).toContain('http://127.0.0.1:1/cluster: refused');
    expect(err.message).toContain(`${hungUrl}/cluster: no answer within 200 ms`);
    expect(err.message).toContain(`${base}/cluster: HTTP 503: {"state":"stopped"}`);

    answer = (res) => res.end('<html>a proxy page</html>');
    await expect(readPatroniCluster([base])).rejects.toThrow(/not a Patroni \/cluster answer: not JSON/);
    answer = (res) => res.end(JSON.stringify({ members: [{ name: 'x' }] }));
    await expect(readPatroniCluster([base])).rejects.toThrow(/not a Patroni \/cluster answer/);
  } finally {
    answer = (res) => res.end(JSON.stringify(CLUSTER));
    hung.closeAllConnections();
    await new Promise<void>((resolve) => hung.close(() => resolve()));
  }
});

test('a path prefix is kept; bad REST URLs are a ConfigError naming the option', async () => {
  let asked = '';
  answer = (res) => res.end(JSON.stringify(CLUSTER));
  server.once('request', (req: http.IncomingMessage) => (asked = req.url ?? ''));
  await readPatroniCluster([`${base}/patroni`]);
  expect(asked).toBe('/patroni/cluster');

  await expect(readPatroniCluster([])).rejects.toThrow(ConfigError);
  await expect(readPatroniCluster(['ftp://x'], { optionName: 'haRestUrls' })).rejects.toThrow(
    /haRestUrls\[0\] must be http\(s\)/,
  );
});
