// The checksum SQL on a real server. Each test works on a session-local temp table named test_replication,
// which hides the real one for that session only (pg_temp comes first on the search path).
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { differingChunks, readChunkChecksums, readTableBounds } from '../../src/table-checksums/chunk-checksums';
import { loadConfig } from '../../src/config';
import { withPg } from '../../src/db/pg-client';

const config = loadConfig();

type Row = [id: number, data: string, createdAt: string];

async function withRows<T>(c: pg.Client, rows: readonly Row[], fn: () => Promise<T>): Promise<T> {
  await c.query(
    'CREATE TEMP TABLE IF NOT EXISTS test_replication (id int PRIMARY KEY, data text, created_at timestamptz)',
  );
  await c.query('TRUNCATE pg_temp.test_replication');
  for (const [id, data, createdAt] of rows) {
    await c.query('INSERT INTO pg_temp.test_replication VALUES ($1, $2, $3)', [id, data, createdAt]);
  }
  return fn();
}

const T = '2026-01-02T03:04:05.678901Z';

test('chunks cover [from, to) in steps of the width, the last one cut at `to`, empty ones with a null hash', async () => {
  await withPg(config.primaryUrl, async (c) => {
    const rows: Row[] = [1, 2, 3, 11, 25].map((id) => [id, `row ${id}`, T]);
    const chunks = await withRows(c, rows, () => readChunkChecksums(c, 0, 26, 10));
    expect(chunks.map((x) => [x.lo, x.hi, x.rows])).toEqual([
      [0, 10, 3],
      [10, 20, 1],
      [20, 26, 1],
    ]);
    expect(chunks.every((x) => /^[0-9a-f]{32}$/.test(x.hash!))).toBe(true);
    const empty = await readChunkChecksums(c, 100, 110, 10);
    expect(empty).toEqual([{ lo: 100, hi: 110, rows: 0, hash: null }]);
    expect(await readTableBounds(c)).toEqual({ minId: 1, maxId: 25, rows: 5 });
  });
});

test('any change to a row changes its chunk hash: data, created_at (by a microsecond), or id', async () => {
  await withPg(config.primaryUrl, async (c) => {
    const base: Row[] = [
      [1, 'a', T],
      [2, 'b', T],
    ];
    const hash = async (rows: Row[]) => (await withRows(c, rows, () => readChunkChecksums(c, 0, 10, 10)))[0]!.hash;
    const original = await hash(base);
    expect(await hash(base)).toBe(original);
    expect(
      await hash([
        [1, 'a', T],
        [2, 'B', T],
      ]),
    ).not.toBe(original);
    expect(
      await hash([
        [1, 'a', T],
        [2, 'b', '2026-01-02T03:04:05.678902Z'],
      ]),
    ).not.toBe(original);
    expect(
      await hash([
        [1, 'a', T],
        [3, 'b', T],
      ]),
    ).not.toBe(original);
    expect(
      await hash([
        [1, 'a', T],
        [2, 'b ', T],
      ]),
    ).not.toBe(original);
  });
});

test('rows whose data looks like another row cannot be confused with other rows', async () => {
  await withPg(config.primaryUrl, async (c) => {
    const hash = async (rows: Row[]) => (await withRows(c, rows, () => readChunkChecksums(c, 0, 10, 10)))[0]!;
    // Joined naively (`id:time:data`), both sets would serialise to the same text; each row's data is hashed alone
    // and every part has a fixed length.
    const a = await hash([
      [1, `a,2:${T}:b`, T],
      [3, 'c', T],
    ]);
    const b = await hash([
      [1, 'a', T],
      [2, `b,3:${T}:c`, T],
    ]);
    expect(a.rows).toBe(b.rows);
    expect(a.hash).not.toBe(b.hash);
  });
});

const md5 = (data: string | Buffer) => createHash('md5').update(data).digest();

/** PostgreSQL's binary timestamptz: microseconds since 2000-01-01 UTC, 8 bytes big-endian. */
function timestamptzSend(iso: string): Buffer {
  const [, fraction = ''] = /\.(\d+)Z$/.exec(iso) ?? [];
  const micros = BigInt(Date.parse(iso.replace(/\.\d+Z$/, 'Z')) - Date.UTC(2000, 0, 1)) * 1000n;
  const out = Buffer.alloc(8);
  out.writeBigInt64BE(micros + BigInt(fraction.padEnd(6, '0').slice(0, 6)));
  return out;
}

test('several 4 MB rows: each row is hashed on its own, so the chunk hashes 28 bytes per row, not the data', async () => {
  const big = (seed: string) => `${seed} ${'x😀\\,:'.repeat((4 << 20) / 8)}`;
  const rows: Row[] = [1, 2, 3, 5, 8].map((id) => [id, big(`row ${id}`), T]);
  await withPg(config.primaryUrl, async (c) => {
    const [chunk] = await withRows(c, rows, () => readChunkChecksums(c, 0, 10, 10));
    expect(chunk).toMatchObject({ lo: 0, hi: 10, rows: 5 });
    // The documented serialisation, computed here: int4 id, binary timestamptz, md5(data), in id order, then md5.
    const serialised = Buffer.concat(
      rows.map(([id, data, at]) => {
        const idBytes = Buffer.alloc(4);
        idBytes.writeInt32BE(id);
        return Buffer.concat([idBytes, timestamptzSend(at), md5(Buffer.from(data, 'utf8'))]);
      }),
    );
    const expected = md5(serialised).toString('hex');
    expect(chunk!.hash).toBe(expected);

    // One byte changed at the very end of one large row changes the chunk's hash, and only that chunk's.
    const changed = rows.map(([id, data, at]): Row => [id, id === 3 ? `${data.slice(0, -1)}y` : data, at]);
    const after = await withRows(c, changed, () => readChunkChecksums(c, 0, 20, 10));
    expect(after[0]!.rows).toBe(5);
    expect(after[0]!.hash).not.toBe(expected);
    expect(after[1]).toEqual({ lo: 10, hi: 20, rows: 0, hash: null });
  });
});

test("the hash does not depend on the session's TimeZone", async () => {
  await withPg(config.primaryUrl, async (c) => {
    const rows: Row[] = [[1, 'tz', T]];
    await c.query("SET TimeZone = 'UTC'");
    const utc = await withRows(c, rows, () => readChunkChecksums(c, 0, 10, 10));
    await c.query("SET TimeZone = 'Asia/Tokyo'");
    const tokyo = await readChunkChecksums(c, 0, 10, 10);
    expect(tokyo).toEqual(utc);
  });
});

describe('differingChunks', () => {
  const chunk = (lo: number, rows: number, hash: string | null) => ({ lo, hi: lo + 10, rows, hash });

  test('lists chunks whose count or hash differ, in order', () => {
    const p = [chunk(0, 2, 'x'), chunk(10, 1, 'y'), chunk(20, 0, null), chunk(30, 3, 'z')];
    const s = [chunk(0, 2, 'x'), chunk(10, 1, 'Y'), chunk(20, 1, 'w'), chunk(30, 3, 'z')];
    expect(differingChunks(p, s)).toEqual([
      { lo: 10, hi: 20, primaryRows: 1, standbyRows: 1 },
      { lo: 20, hi: 30, primaryRows: 0, standbyRows: 1 },
    ]);
    expect(differingChunks(p, p)).toEqual([]);
  });

  test('refuses lists that do not pair up', () => {
    expect(() => differingChunks([chunk(0, 1, 'x')], [])).toThrow(/do not pair up/);
    expect(() => differingChunks([chunk(0, 1, 'x')], [chunk(10, 1, 'x')])).toThrow(/different ids/);
  });
});
