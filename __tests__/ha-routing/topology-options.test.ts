// createRwsplit with a topology source and no primaryUrl key at all, as the library documents it
// (`createRwsplit({ PrismaClient, topology: patroniTopology(...) })`). No cluster is needed: the source below
// throws from read(), which createRwsplit calls right after validating its options, so reaching it proves that
// the options were accepted.
import { ConfigError, createRwsplit, patroniTopology, type TopologySource } from 'rwsplit';
import { PrismaClient } from '../../src/generated/prisma/client';

class ReadReached extends Error {}

const unreadable: TopologySource = {
  description: 'a source that is never reached',
  refreshIntervalMs: 0,
  read: async () => {
    throw new ReadReached('read() reached: the options were accepted');
  },
};

test('{ PrismaClient, topology } without primaryUrl passes validation and reads the source', async () => {
  // Fails today: options.ts declares `primaryUrl: z.unknown()`, which zod 4 treats as a required key, so this
  // rejects with ConfigError "rwsplit option primaryUrl: Invalid input: expected nonoptional, received undefined".
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
