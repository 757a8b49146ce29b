// createRwsplit with a topology source alone (no primaryUrl): the documented form for Patroni.
import { ConfigError, createRwsplit, patroniTopology, type RwsplitOptions, type TopologySource } from '../../src';
import { resolveOptions } from '../../src/options';
import { fixedTopology } from '../../src/topology/topology-source';
import { PrismaClient } from '../fixture/generated/client';

class NotConnected {
  async $connect(): Promise<void> {}
  async $disconnect(): Promise<void> {}
}

test('a topology source alone is accepted; primaryUrl is then neither needed nor allowed', () => {
  const topology = fixedTopology('postgresql://a:b@db1/app', ['postgresql://a:b@db2/app']);
  expect(resolveOptions({ PrismaClient: NotConnected, topology }).topology).toBe(topology);
  expect(() =>
    resolveOptions({ PrismaClient: NotConnected, topology, primaryUrl: 'postgresql://a:b@db1/app' } as RwsplitOptions),
  ).toThrow(ConfigError);
});

// The same through createRwsplit with a generated client, as the library documents it
// (`createRwsplit({ PrismaClient, topology: patroniTopology(...) })`). No cluster is needed: createRwsplit calls the
// source's read() right after validating its options, so reaching it proves that the options were accepted.
class ReadReached extends Error {}

const unreadable: TopologySource = {
  description: 'a source that is never reached',
  refreshIntervalMs: 0,
  read: async () => {
    throw new ReadReached('read() reached: the options were accepted');
  },
};

test('{ PrismaClient, topology } without primaryUrl passes validation and reads the source', async () => {
  // zod 4 treats a key declared `z.unknown()` as required: primaryUrl must stay optional for this to pass.
  await expect(createRwsplit({ PrismaClient, topology: unreadable })).rejects.toBeInstanceOf(ReadReached);
});

test('the same with patroniTopology and REST URLs nothing listens on: a topology error, not an options error', async () => {
  const topology = patroniTopology({
    restUrls: ['http://127.0.0.1:9/'],
    databaseUrl: 'postgresql://app:pw@ignored/app',
    requestTimeoutMs: 200,
  });
  const failure = await createRwsplit({ PrismaClient, topology }).catch((err: unknown) => err);
  expect(failure).not.toBeInstanceOf(ConfigError);
  expect((failure as { code?: string }).code).toBe('RWSPLIT_TOPOLOGY_UNAVAILABLE');
});
