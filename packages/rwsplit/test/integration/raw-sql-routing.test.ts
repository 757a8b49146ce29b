// Raw SQL on the shared cluster, judged by PostgreSQL's own parser: `$replica()` refuses what is not read-only
// before sending it, and routeRawReads sends read-only raw queries to replicas. Where each ran is the server's answer.
import { NotReadOnlyError, type Rwsplit } from '../../src';
import type { PrismaClient } from '../fixture/generated/client';
import { ensureFixtureSchema, uniqueEmail } from '../helpers/fixture-schema';
import { QUIET_CHECKS, routedClient } from '../helpers/routed-client';
import { testCluster, waitForReplicas } from '../helpers/test-cluster';

const cluster = testCluster();
let plain: Rwsplit<PrismaClient>;
let routed: Rwsplit<PrismaClient>;

type Answer = { in_recovery: boolean };

beforeAll(async () => {
  await ensureFixtureSchema(cluster);
  await waitForReplicas(cluster);
  plain = await routedClient(cluster, QUIET_CHECKS);
  routed = await routedClient(cluster, { ...QUIET_CHECKS, routeRawReads: true });
});
afterAll(async () => {
  await plain?.close();
  await routed?.close();
});

test('$replica() refuses raw SQL that is not read-only before sending it, saying why', async () => {
  const seq = await plain.client.$queryRaw<{ last_value: bigint }[]>`SELECT last_value FROM rwtest_user_id_seq`;
  const refused = [
    plain.client.$replica().$queryRaw`SELECT nextval('rwtest_user_id_seq')`,
    plain.client.$replica()
      .$queryRaw`WITH gone AS (DELETE FROM rwtest_user WHERE false RETURNING id) SELECT * FROM gone`,
    plain.client.$replica().$queryRaw`SELECT id FROM rwtest_user LIMIT 1 FOR UPDATE`,
    plain.client.$replica().$executeRawUnsafe(`UPDATE rwtest_user SET name = name WHERE false`),
  ];
  const errors = await Promise.all(
    refused.map((p) =>
      p.then(
        () => null,
        (err: unknown) => err,
      ),
    ),
  );
  for (const err of errors) expect(err).toBeInstanceOf(NotReadOnlyError);
  expect(errors.map((e) => (e as Error).message.match(/before sending it: ([^.]*)/)?.[1])).toEqual([
    'it calls nextval(), which is not read-only',
    'it writes (DELETE in a WITH clause or EXPLAIN ANALYZE)',
    'it takes row locks (FOR UPDATE)',
    'it writes (UPDATE)',
  ]);
  // nextval() was never sent: the sequence did not move.
  expect(await plain.client.$queryRaw`SELECT last_value FROM rwtest_user_id_seq`).toEqual(seq);
  // What is read-only still runs there.
  const [answer] = await plain.client.$replica().$queryRaw<Answer[]>`SELECT pg_is_in_recovery() AS in_recovery`;
  expect(answer).toEqual({ in_recovery: true });
});

test('without routeRawReads a raw query runs on the primary; with it, a read-only one runs on a replica', async () => {
  const where = async (client: Rwsplit<PrismaClient>['client']) =>
    (await client.$queryRaw<Answer[]>`SELECT pg_is_in_recovery() AS in_recovery`)[0]!.in_recovery;
  expect(await where(plain.client)).toBe(false);
  expect(await where(routed.client)).toBe(true);
  expect(
    (await routed.client.$queryRawUnsafe<Answer[]>('SELECT pg_is_in_recovery() AS in_recovery, $1::int AS n', 7))[0],
  ).toEqual({ in_recovery: true, n: 7 });
});

test('with routeRawReads, writes, locks, nextval(), unparsable SQL and transactions stay on the primary', async () => {
  const { client } = routed;
  const onPrimary = async (sql: string) =>
    (await client.$queryRawUnsafe<Answer[]>(`${sql}`))[0]?.in_recovery ?? 'no row';
  expect(await onPrimary("SELECT pg_is_in_recovery() AS in_recovery, nextval('rwtest_user_id_seq')")).toBe(false);
  expect(await onPrimary('SELECT pg_is_in_recovery() AS in_recovery FROM rwtest_user LIMIT 1 FOR SHARE')).toBe(false);
  const email = uniqueEmail('raw');
  const inserted = await client.$queryRaw<{ email: string; in_recovery: boolean }[]>`
    INSERT INTO rwtest_user (email, name) VALUES (${email}, 'raw') RETURNING email, pg_is_in_recovery() AS in_recovery`;
  expect(inserted).toEqual([{ email, in_recovery: false }]);
  await expect(client.$queryRawUnsafe('SELEC 1')).rejects.toThrow(/syntax error at or near "SELEC"/);
  const inTx = await client.$transaction((tx) => tx.$queryRaw<Answer[]>`SELECT pg_is_in_recovery() AS in_recovery`);
  expect(inTx).toEqual([{ in_recovery: false }]);
});

test('with routeRawReads, a read-your-writes session reads its own raw write back', async () => {
  const email = uniqueEmail('raw-ryw');
  const seen = await routed.session(async () => {
    await routed.client.$executeRaw`INSERT INTO rwtest_user (email, name) VALUES (${email}, 'raw')`;
    return routed.client.$queryRaw<{ email: string }[]>`SELECT email FROM rwtest_user WHERE email = ${email}`;
  });
  expect(seen).toEqual([{ email }]);
});
