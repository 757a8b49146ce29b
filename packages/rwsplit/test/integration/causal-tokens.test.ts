// Causal tokens a client cannot forge or turn against the primary, on the shared cluster with both standbys paused
// (a row written meanwhile exists only on the primary, so a read that finds it went there, and one that does not
// went to a standby). Refused tokens are CausalTokenErrors with their reason, an event and a counter.
import path from 'node:path';
import { execa } from 'execa';
import { CausalTokenError, CausalTokens, type Rwsplit, type RwsplitEvent } from '../../src';
import { createMetrics } from '../../src/metrics';
import type { PrismaClient } from '../fixture/generated/client';
import { ensureFixtureSchema, uniqueEmail } from '../helpers/fixture-schema';
import { QUIET_CHECKS, routedClient } from '../helpers/routed-client';
import { pauseReplay, resumeReplay, testCluster, waitForReplicas } from '../helpers/test-cluster';

const cluster = testCluster();
const SECRET = 'causal-token-test-secret-0123456789';
const events: RwsplitEvent[] = [];
const metrics = createMetrics();
let signed: Rwsplit<PrismaClient>;
let unsigned: Rwsplit<PrismaClient>;

const onEvent = (e: RwsplitEvent) => {
  events.push(e);
  metrics.listener(e);
};

/** A token for `claim` made with no secret, as a client could forge it. */
const forge = (lsn: string, timeline: number) => new CausalTokens().encode({ lsn, timeline });

/** How a session opened with `token` on `rw` reads user `id`: the row (found on the primary), null, or refused. */
async function readWith(rw: Rwsplit<PrismaClient>, token: string, id: number): Promise<string> {
  try {
    const user = await rw.session(() => rw.client.user.findUnique({ where: { id } }), { token });
    return user ? 'found' : 'not found';
  } catch (err) {
    if (err instanceof CausalTokenError) return `refused: ${err.reason}`;
    throw err;
  }
}

beforeAll(async () => {
  await ensureFixtureSchema(cluster);
  await waitForReplicas(cluster);
  signed = await routedClient(cluster, { ...QUIET_CHECKS, tokenSecret: SECRET, onEvent });
  unsigned = await routedClient(cluster, { ...QUIET_CHECKS, onEvent });
});
afterAll(async () => {
  await resumeReplay(cluster);
  await signed?.close();
  await unsigned?.close();
});
beforeEach(async () => {
  events.length = 0;
  await pauseReplay(cluster);
});
afterEach(() => resumeReplay(cluster));

/** A user written in a session on `rw` while the standbys are paused, and the session's token. */
const written = (rw: Rwsplit<PrismaClient>) =>
  rw.session(async () => {
    const user = await rw.client.user.create({ data: { email: uniqueEmail('token'), name: 'token' } });
    return { id: user.id, token: (await rw.token())! };
  });

test('a token claiming a position or a timeline the primary does not have is refused, signed or not', async () => {
  const { id, token } = await written(unsigned);
  const claim = new CausalTokens().decode(token);
  expect(await readWith(unsigned, token, id)).toBe('found');
  // Before: such a token sent every read of the session to the primary (x-rwsplit-nodes showed it).
  expect(await readWith(unsigned, forge('FFFFFFF/0', claim.timeline!), id)).toBe('refused: ahead_of_primary');
  expect(await readWith(unsigned, forge(claim.lsn, claim.timeline! + 1), id)).toBe('refused: future_timeline');
  expect(events.filter((e) => e.event === 'causal_token_refused')).toEqual([
    { event: 'causal_token_refused', reason: 'ahead_of_primary' },
    { event: 'causal_token_refused', reason: 'future_timeline' },
  ]);
  const counted = (await metrics.metrics.causalTokensRefused.get()).values;
  expect(counted).toContainEqual({ labels: { reason: 'ahead_of_primary' }, value: 1 });
});

test('with tokenSecret, a token signed with another secret, altered, truncated or unsigned is refused', async () => {
  const { id, token } = await written(signed);
  expect(await readWith(signed, token, id)).toBe('found');
  const other = new CausalTokens(['some-other-application-secret-0001']).encode(new CausalTokens().decode(token));
  expect(await readWith(signed, other, id)).toBe('refused: bad_signature');
  const [prefix, payload, signature] = token.split('.') as [string, string, string];
  const altered = Buffer.from(Buffer.from(payload, 'base64url').toString().replace(/\/.*/, '/FFFFFF')).toString(
    'base64url',
  );
  expect(await readWith(signed, `${prefix}.${altered}.${signature}`, id)).toBe('refused: bad_signature');
  expect(await readWith(signed, token.slice(0, -5), id)).toBe('refused: bad_signature');
  expect(await readWith(signed, `${prefix}.${payload}`, id)).toBe('refused: unsigned');
  // The unsigned application's own token means nothing here.
  expect(await readWith(signed, (await written(unsigned)).token, id)).toBe('refused: unsigned');
});

/**
 * Another application process: plain Node with the built library and pg. It writes a user on the primary, takes
 * the primary's WAL position and timeline after it, and signs a token for them with the shared secret, as
 * `rw.token()` does. Prints `{ id, token }`.
 */
const OTHER_PROCESS = `
  const pg = require('pg');
  const { CausalTokens } = require('rwsplit');
  (async () => {
    const client = new pg.Client({ connectionString: process.env.PRIMARY_URL });
    await client.connect();
    const { rows: [user] } = await client.query(
      "INSERT INTO rwtest_user (email, name) VALUES ($1, 'from another process') RETURNING id", [process.env.EMAIL]);
    const { rows: [at] } = await client.query(
      "SELECT pg_current_wal_insert_lsn()::text AS lsn, " +
      "('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int AS timeline");
    await client.end();
    const token = new CausalTokens([process.env.SECRET]).encode({ lsn: at.lsn, timeline: at.timeline });
    process.stdout.write(JSON.stringify({ id: user.id, token }));
  })().catch((err) => { console.error(err); process.exitCode = 1; });
`;

test('a signed token made by another process sharing the secret carries read-your-writes across', async () => {
  const child = await execa('node', ['-e', OTHER_PROCESS], {
    env: { PRIMARY_URL: cluster.primaryUrl, EMAIL: uniqueEmail('other-process'), SECRET },
    cwd: path.join(__dirname, '..', '..', '..', '..'),
  });
  const { id, token } = JSON.parse(child.stdout) as { id: number; token: string };
  expect(token).toMatch(/^rw2\.[^.]+\.[^.]+$/);
  // Only the primary has the row: with the token the read finds it, without it a paused standby does not.
  expect(await readWith(signed, token, id)).toBe('found');
  expect(await signed.client.user.findUnique({ where: { id } })).toBeNull();
});
