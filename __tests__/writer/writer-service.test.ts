// The writer on the real cluster: Prisma when the primary answers, psql over the primary's Unix socket when its
// TCP port refuses or hangs, and never a fallback for a query error.
import { randomUUID } from 'node:crypto';
import { createNodeClient } from '../../src/db/node-client';
import { UnwritableValueError } from '../../src/writer/copy-text';
import { type WriterEvent, WriterFallbackError, WriterService } from '../../src/writer/writer-service';
import { PsqlFallbackError } from '../../src/writer/psql-fallback';
import {
  base,
  configWith,
  countLike,
  deadPort,
  primaryPort,
  rowOnPrimary,
  SAMPLES,
  silentServer,
  tableExists,
  urlWithPort,
} from './writer-helpers';

let unreachable: WriterService;
let reachable: WriterService;
const events: WriterEvent[] = [];

beforeAll(async () => {
  unreachable = new WriterService(configWith({ DATABASE_URL: urlWithPort(await deadPort()) }), {
    onEvent: (e) => events.push(e),
  });
  reachable = new WriterService(base);
});
afterAll(async () => {
  await unreachable.close();
  await reachable.close();
});
beforeEach(() => {
  events.length = 0;
});

describe.each([
  ['prisma', () => reachable],
  ['psql', () => unreachable],
] as const)('via %s, values are stored byte for byte', (via, writer) => {
  test.each(SAMPLES)('%s', async (_name, value) => {
    const result = await writer().write(value);
    expect(result.via).toBe(via);
    const row = await rowOnPrimary(result.id);
    expect(row).toBeDefined();
    expect(row!.data === value).toBe(true);
    expect(row!.octets).toBe(Buffer.byteLength(value, 'utf8'));
    expect(await tableExists()).toBe(true);
  });
});

describe('fallback trigger', () => {
  test('connection refused: the psql fallback writes on the real primary and says so in an event', async () => {
    const value = `refused-${randomUUID()}`;
    const result = await unreachable.write(value);
    expect(result.via).toBe('psql');
    expect((await rowOnPrimary(result.id))?.data).toBe(value);
    expect(events).toEqual([
      { event: 'writer_fallback', via: 'psql', reason: expect.stringMatching(/Can't reach database server/) },
    ]);
  });

  test('connect timeout: a server that accepts and never answers also falls back', async () => {
    const silent = await silentServer();
    const seen: WriterEvent[] = [];
    const writer = new WriterService(
      configWith({ DATABASE_URL: urlWithPort(silent.port), WRITER_CONNECT_TIMEOUT_MS: '300' }),
      { onEvent: (e) => seen.push(e) },
    );
    try {
      const value = `timeout-${randomUUID()}`;
      const result = await writer.write(value);
      expect(result.via).toBe('psql');
      expect((await rowOnPrimary(result.id))?.data).toBe(value);
      expect(seen).toEqual([{ event: 'writer_fallback', via: 'psql', reason: expect.stringMatching(/timeout/i) }]);
    } finally {
      await writer.close();
      await silent.close();
    }
  });

  test('a query error (missing table) surfaces unchanged and never falls back', async () => {
    const wrongDb = new URL(base.primaryUrl);
    wrongDb.pathname = '/postgres';
    const primary = createNodeClient(wrongDb.toString());
    const seen: WriterEvent[] = [];
    const writer = new WriterService(configWith({}), { primary, onEvent: (e) => seen.push(e) });
    const value = `query-error-${randomUUID()}`;
    try {
      await expect(writer.write(value)).rejects.toMatchObject({ code: 'P2021' });
    } finally {
      await writer.close();
      await primary.$disconnect();
    }
    expect(seen).toEqual([]);
    expect(await countLike(value)).toBe(0);
  });

  test('a connection dropped after it was accepted does not fall back (the INSERT might have run)', async () => {
    const rude = await silentServer((s) => s.destroy());
    const seen: WriterEvent[] = [];
    const writer = new WriterService(configWith({ DATABASE_URL: urlWithPort(rude.port) }), {
      onEvent: (e) => seen.push(e),
    });
    const value = `dropped-${randomUUID()}`;
    try {
      const err = await writer.write(value).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(WriterFallbackError);
    } finally {
      await writer.close();
      await rude.close();
    }
    expect(seen).toEqual([]);
    expect(await countLike(value)).toBe(0);
  });
});

describe('refusals', () => {
  test.each([
    ['reachable', () => reachable],
    ['unreachable', () => unreachable],
  ] as const)('a NUL byte is refused before anything is sent (%s primary)', async (_name, writer) => {
    const prefix = `nul-${randomUUID()}`;
    await expect(writer().write(`${prefix}\u0000tail`)).rejects.toThrow(UnwritableValueError);
    await expect(writer().write(`${prefix}\u0000tail`)).rejects.toThrow(/NUL character.*Nothing was written/);
    expect(events).toEqual([]);
    expect(await countLike(prefix)).toBe(0);
  });

  test('a lone surrogate is refused rather than silently replaced', async () => {
    const prefix = `surrogate-${randomUUID()}`;
    await expect(reachable.write(`${prefix}\ud800`)).rejects.toThrow(/lone UTF-16 surrogate/);
    expect(await countLike(prefix)).toBe(0);
  });

  test('WRITER_FALLBACK=off: a clear error with the connection error as cause', async () => {
    const writer = new WriterService(
      configWith({ DATABASE_URL: urlWithPort(await deadPort()), WRITER_FALLBACK: 'off' }),
    );
    try {
      const err = await writer.write('x').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WriterFallbackError);
      expect((err as WriterFallbackError).message).toMatch(/unreachable over TCP.*WRITER_FALLBACK=off/);
      expect((err as WriterFallbackError).via).toBe('off');
      expect((err as WriterFallbackError).cause).toMatchObject({ code: 'P1001' });
    } finally {
      await writer.close();
    }
  });

  test('a missing psql: a clear error naming psql, with the connection error as cause', async () => {
    const writer = new WriterService(
      configWith({ DATABASE_URL: urlWithPort(await deadPort()), WRITER_PSQL: '/nonexistent/bin/psql' }),
    );
    try {
      const err = (await writer.write('x').catch((e: unknown) => e)) as WriterFallbackError;
      expect(err).toBeInstanceOf(WriterFallbackError);
      expect(err.message).toMatch(/psql fallback failed too.*WRITER_PSQL is "\/nonexistent\/bin\/psql"/);
      expect(err.fallbackError).toBeInstanceOf(PsqlFallbackError);
      expect((err.fallbackError as PsqlFallbackError).missing).toBe('psql');
      expect(err.cause).toMatchObject({ code: 'P1001' });
    } finally {
      await writer.close();
    }
  });

  test("psql failing (wrong password over TCP): the error carries psql's stderr, never the password", async () => {
    const secret = `wrong-${randomUUID()}`;
    const writer = new WriterService(
      configWith({
        DATABASE_URL: urlWithPort(await deadPort(), secret),
        WRITER_PSQL_HOST: '127.0.0.1',
        WRITER_PSQL_PORT: String(primaryPort),
      }),
    );
    try {
      const err = (await writer.write('x').catch((e: unknown) => e)) as WriterFallbackError;
      expect(err).toBeInstanceOf(WriterFallbackError);
      expect(err.message).toMatch(/psql .* failed as user "rwsplit" \(exit 2\): .*password authentication failed/s);
      expect(err.message).not.toContain(secret);
      expect(String((err.cause as Error).message)).not.toContain(secret);
    } finally {
      await writer.close();
    }
  });
});
