// Replica selection strategies, on hosts that never connect: leastOutstanding balances on reads in flight, ties at
// random; roundRobin takes turns. ReplicaHost counts the reads in flight on it.
import { leastOutstanding, roundRobin } from '../../src';
import { ReplicaHost } from '../../src/load-balancing/replica-host';
import { createNodePool } from '../../src/prisma/node-client';
import { NodeAdapter } from '../../src/prisma/node-adapter';

/** A stand-in with only what the strategies read. */
const host = (name: string, inFlight: number) => ({ name, inFlight }) as unknown as ReplicaHost;

test('leastOutstanding picks the host with the fewest reads in flight', () => {
  const pick = leastOutstanding();
  const hosts = [host('a', 3), host('b', 0), host('c', 1)];
  for (let i = 0; i < 20; i++) expect(pick(hosts).name).toBe('b');
});

test('leastOutstanding breaks ties at random, each tied host equally likely, never an untied one', () => {
  const counts = new Map<string, number>();
  // A deterministic random source that walks [0, 1) evenly.
  let k = 0;
  const pick = leastOutstanding(() => (((k++ * 0.618034) % 1) + 1) % 1);
  const hosts = [host('a', 1), host('b', 1), host('busy', 2), host('c', 1)];
  for (let i = 0; i < 3000; i++) {
    const name = pick(hosts).name;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  expect(counts.get('busy')).toBeUndefined();
  for (const name of ['a', 'b', 'c']) {
    expect(counts.get(name)).toBeGreaterThan(850);
    expect(counts.get(name)).toBeLessThan(1150);
  }
});

test('roundRobin takes turns over whatever is eligible', () => {
  const pick = roundRobin();
  const hosts = [host('a', 0), host('b', 9)];
  expect([1, 2, 3, 4].map(() => pick(hosts).name)).toEqual(['a', 'b', 'a', 'b']);
});

test('a host counts the reads in flight on it, from started() to finished()', async () => {
  const url = 'postgresql://u@127.0.0.1:1/db';
  const h = new ReplicaHost('r:5432', url, new NodeAdapter(createNodePool(url)), { maxLagMs: 0, maxLagBytes: 0 });
  try {
    h.started();
    h.started();
    expect(h.inFlight).toBe(2);
    h.finished();
    expect(h.inFlight).toBe(1);
    h.finished();
    expect(h.inFlight).toBe(0);
  } finally {
    await h.close();
  }
});
