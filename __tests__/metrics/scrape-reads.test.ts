// The monitor's view of another process's reads: rwsplit_queries_total per node, summed over read operations,
// parsed from Prometheus' text format, and a clear error for a page that is not that format. No cluster.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readsPerNode, scrapeReadsPerNode } from '../../src/metrics/scrape-reads';

const EXPOSITION = [
  '# HELP rwsplit_queries_total Prisma operations routed, by node, role and operation.',
  '# TYPE rwsplit_queries_total counter',
  'rwsplit_queries_total{node="127.0.0.1:15433",role="replica",operation="findMany"} 7',
  'rwsplit_queries_total{node="127.0.0.1:15433",role="replica",operation="count"} 2 1700000000000',
  'rwsplit_queries_total{node="127.0.0.1:15432",role="primary",operation="findMany"} 1',
  'rwsplit_queries_total{node="127.0.0.1:15432",role="primary",operation="create"} 40',
  'rwsplit_queries_total{node="odd \\"name\\"",role="replica",operation="findFirst"} 3',
  '# TYPE rwsplit_replica_eligible gauge',
  'rwsplit_replica_eligible{node="127.0.0.1:15433"} 1',
  '',
].join('\n');

test('read operations per node: writes and other metrics left out, escaped labels read back', async () => {
  expect(await readsPerNode(EXPOSITION)).toEqual(
    new Map([
      ['127.0.0.1:15433', 9],
      ['127.0.0.1:15432', 1],
      ['odd "name"', 3],
    ]),
  );
  expect(await readsPerNode('')).toEqual(new Map());
});

describe('scraping over HTTP', () => {
  let body = EXPOSITION;
  const server = http.createServer((_req, res) => res.end(body));
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('an rwsplit endpoint gives its reads per node', async () => {
    body = EXPOSITION;
    expect((await scrapeReadsPerNode(url, 2000)).get('127.0.0.1:15433')).toBe(9);
  });

  test('a page that names the metric but is not the text format: a clear error', async () => {
    body = '<html><body>rwsplit_queries_total</body></html>';
    await expect(scrapeReadsPerNode(url, 2000)).rejects.toThrow(
      /is not in Prometheus' text format \(Unable to parse metric.*is it rwsplit's \/metrics endpoint/,
    );
  });

  test('an endpoint without the counter: says which metric it lacks', async () => {
    body = '# TYPE up gauge\nup 1\n';
    await expect(scrapeReadsPerNode(url, 2000)).rejects.toThrow(/has no rwsplit_queries_total/);
  });
});
