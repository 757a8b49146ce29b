// The Express example (examples/express-blog) over real HTTP on the real cluster. Where a read went is proven by
// the data, not by trusting the app: with replay paused on both standbys, a new post exists only on the primary,
// so a 404 means a standby answered and a 200 means the primary (or a replica that has replayed it) did.
import type { Server } from 'node:http';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { CausalTokens } from 'rwsplit';
import type { AddressInfo } from 'node:net';
import { LocalCluster } from '../../src/cluster/local-cluster';
import { loadConfig } from '../../src/config';
import { queryOnce } from '../../src/db/pg-client';
import { applyBlogSchema } from '../../examples/express-blog/src/apply-blog-schema';
import { type BlogRwsplit, createBlogRwsplit } from '../../examples/express-blog/src/blog-rwsplit';
import { TOKEN_COOKIE, TOKEN_HEADER } from '../../examples/express-blog/src/causal-session';
import { createBlogApp } from '../../examples/express-blog/src/create-app';
import { NODES_HEADER } from '../../examples/express-blog/src/reply';
import { startTracing } from '../../examples/express-blog/src/console-tracing';
import { setStandbyReplay } from '../helpers/standby-replay';
import { waitUntil } from '../helpers/wait-until';

const config = loadConfig();
const cluster = new LocalCluster(config.cluster);
const standbys = cluster.nodes.slice(1);
const [primaryPort, ...standbyPorts] = config.cluster.ports;

const PRIMARY_LSN = 'SELECT pg_current_wal_insert_lsn()::text AS lsn';
const REPLAYED = 'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done';
const DELETE_USERS = 'DELETE FROM blog_user WHERE id = ANY($1::int[])';

const setReplay = setStandbyReplay;

/** Waits until both standbys have replayed everything the primary has written so far. */
async function waitForStandbys(): Promise<void> {
  const [{ lsn }] = (await queryOnce<{ lsn: string }>(config.primaryUrl, PRIMARY_LSN)) as [{ lsn: string }];
  await waitUntil(async () => {
    const answers = await Promise.all(
      standbys.map(async (node) => (await queryOnce<{ done: boolean }>(cluster.adminTarget(node), REPLAYED, [lsn]))[0]),
    );
    return answers.every((a) => a?.done === true);
  }, `both standbys to replay ${lsn}`);
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Headers;
}

/** Serves `app` on a free loopback port; resolves to its server and base URL. */
async function listen(app: ReturnType<typeof createBlogApp>): Promise<{ server: Server; url: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Stops a server, dropping fetch's idle keep-alive connections that would hold close() open. */
async function stop(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

let rw: BlogRwsplit;
let server: Server;
let baseUrl: string;
const userIds: number[] = [];

async function call(
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

/** The `rwsplit_token` cookie a response sets, as a request's Cookie header. */
function tokenCookie(answer: Answer): string {
  const cookie = answer.headers.getSetCookie().find((c) => c.startsWith(`${TOKEN_COOKIE}=`));
  expect(cookie).toBeDefined();
  return cookie!.split(';')[0]!;
}

async function newUser(name: string): Promise<number> {
  const email = `${name}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const created = await call('POST', '/users', { body: { email, name } });
  expect(created.status).toBe(201);
  const id = created.body.id as number;
  userIds.push(id);
  return id;
}

beforeAll(async () => {
  await applyBlogSchema(config.primaryUrl);
  // Replay is not resumed here: another run on this cluster may have paused it on purpose.
  await waitForStandbys();
  rw = await createBlogRwsplit({
    primaryUrl: config.primaryUrl,
    replicaUrls: config.replicaUrls,
    // Paused standbys must stay eligible whatever else writes to the cluster meanwhile (other suites share it),
    // so that a read without a token provably goes to one; and no background check may change that mid-test.
    maxLagMs: 600_000,
    maxLagBytes: 1024 ** 3,
    checkIntervalMs: [600_000, 600_000],
  });
  ({ server, url: baseUrl } = await listen(createBlogApp(rw)));
});

afterAll(async () => {
  await setReplay(false);
  await queryOnce(config.primaryUrl, DELETE_USERS, [userIds]);
  await stop(server);
  await rw?.close();
});

describe('read-your-writes across requests, by causal token', () => {
  let postId: number;
  let token: string;

  test('with replay paused, the token (header or cookie) reads the new post on the primary; no token reads a standby', async () => {
    const authorId = await newUser('paused');
    await waitForStandbys(); // the author exists everywhere; only the post will be missing on the standbys
    await setReplay(true);
    try {
      const created = await call('POST', '/posts', { body: { authorId, title: 'Hello', body: 'first post' } });
      expect(created.status).toBe(201);
      expect(created.headers.get(NODES_HEADER)).toBe(`127.0.0.1:${primaryPort} primary`);
      postId = created.body.id as number;
      token = created.headers.get(TOKEN_HEADER)!;
      expect(token).toMatch(/^rw2\./);

      const withHeader = await call('GET', `/posts/${postId}`, { headers: { [TOKEN_HEADER]: token } });
      expect(withHeader.status).toBe(200);
      expect(withHeader.body).toMatchObject({ id: postId, title: 'Hello', body: 'first post', authorId });
      expect(withHeader.headers.get(NODES_HEADER)).toBe(`127.0.0.1:${primaryPort} primary`);
      // The token goes back out, so a client that only follows the latest response keeps it.
      expect(withHeader.headers.get(TOKEN_HEADER)).toBe(token);

      const withCookie = await call('GET', `/posts/${postId}`, { headers: { cookie: tokenCookie(created) } });
      expect(withCookie.status).toBe(200);
      expect(withCookie.body).toMatchObject({ id: postId, title: 'Hello' });
      expect(withCookie.headers.get(NODES_HEADER)).toBe(`127.0.0.1:${primaryPort} primary`);
      expect(tokenCookie(withCookie)).toBe(`${TOKEN_COOKIE}=${token}`);

      const withoutToken = await call('GET', `/posts/${postId}`);
      expect(withoutToken.status).toBe(404);
      expect(withoutToken.body).toEqual({ error: `Post ${postId} not found.`, code: 'NOT_FOUND' });
      const served = withoutToken.headers.get(NODES_HEADER);
      expect(standbyPorts.map((p) => `127.0.0.1:${p} replica`)).toContain(served);
      // With monotonic reads the response still carries a token: what this request saw, for the next one.
      expect(withoutToken.headers.get(TOKEN_HEADER)).toMatch(/^rw2\./);
    } finally {
      await setReplay(false);
    }
  });

  test('once the standbys have replayed it, the token-carrying read is served by a replica', async () => {
    await waitForStandbys();
    const read = await call('GET', `/posts/${postId}`, { headers: { [TOKEN_HEADER]: token } });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: postId, title: 'Hello' });
    expect(standbyPorts.map((p) => `127.0.0.1:${p} replica`)).toContain(read.headers.get(NODES_HEADER));
  });
});

test('bad input answers 400 with a message naming what is wrong', async () => {
  const badHeader = await call('GET', '/posts/1', { headers: { [TOKEN_HEADER]: 'not-a-token' } });
  expect(badHeader.status).toBe(400);
  expect(badHeader.body.code).toBe('BAD_REQUEST');
  expect(badHeader.body.error).toMatch(/^Bad header x-rwsplit-token: Not an rwsplit causal token/);

  const badCookie = await call('GET', '/posts', { headers: { cookie: `${TOKEN_COOKIE}=rw1.garbage` } });
  expect(badCookie.status).toBe(400);
  expect(badCookie.body.error).toMatch(/^Bad cookie rwsplit_token: Corrupt rwsplit causal token/);

  for (const path of ['/posts/abc', '/posts/1.5', '/posts/0', '/users/x/posts']) {
    const bad = await call('GET', path);
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'id must be a whole number from 1 to 2147483647', code: 'BAD_REQUEST' });
  }

  const missing = await call('POST', '/posts', { body: { authorId: 'seven' } });
  expect(missing.status).toBe(400);
  expect(missing.body.error).toBe(
    'authorId must be a whole number from 1 to 2147483647; title is required (a string); body is required (a string)',
  );

  const notJson = await fetch(`${baseUrl}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"email":',
  });
  expect(notJson.status).toBe(400);
  expect(((await notJson.json()) as { error: string }).error).toMatch(/^Bad request body: /);

  const noAuthor = await call('POST', '/posts', { body: { authorId: 2147483647, title: 't', body: '' } });
  expect(noAuthor.status).toBe(400);
  expect(noAuthor.body.error).toBe('authorId 2147483647 is not a user.');
});

test('a second user with the same email is a 409', async () => {
  const email = `dup-${process.pid}-${Date.now()}@example.test`;
  const first = await call('POST', '/users', { body: { email, name: 'One' } });
  expect(first.status).toBe(201);
  userIds.push(first.body.id as number);
  const second = await call('POST', '/users', { body: { email, name: 'Two' } });
  expect(second.status).toBe(409);
  expect(second.body).toEqual({ error: `A user with email ${email} already exists.`, code: 'CONFLICT' });
});

test('posts come with their author; lists are newest first', async () => {
  const authorId = await newUser('lists');
  const first = await call('POST', '/posts', { body: { authorId, title: 'Older', body: 'a' } });
  const second = await call('POST', '/posts', {
    body: { authorId, title: 'Newer', body: 'b' },
    headers: { [TOKEN_HEADER]: first.headers.get(TOKEN_HEADER)! },
  });
  const token = second.headers.get(TOKEN_HEADER)!;
  const author = { id: authorId, name: 'lists', email: expect.stringMatching(/^lists-/) };

  const one = await call('GET', `/posts/${first.body.id as number}`, { headers: { [TOKEN_HEADER]: token } });
  expect(one.body).toMatchObject({ title: 'Older', author });

  const all = await fetch(`${baseUrl}/posts`, { headers: { [TOKEN_HEADER]: token } });
  const posts = ((await all.json()) as { id: number; title: string; author: unknown }[]).filter(
    (p) => p.id === first.body.id || p.id === second.body.id,
  );
  expect(posts).toEqual([
    expect.objectContaining({ title: 'Newer', author }),
    expect.objectContaining({ title: 'Older', author }),
  ]);

  const byUser = await call('GET', `/users/${authorId}/posts`, { headers: { [TOKEN_HEADER]: token } });
  expect(byUser.status).toBe(200);
  expect(byUser.body).toMatchObject({ id: authorId, name: 'lists' });
  expect((byUser.body.posts as { title: string }[]).map((p) => p.title)).toEqual(['Newer', 'Older']);

  const nobody = await call('GET', '/users/2147483647/posts');
  expect(nobody.status).toBe(404);
});

test("rwsplit's own errors are a 503 with their code", async () => {
  // A replica nothing listens on (port 1: connecting is refused at once), and no fallback to the primary: a read
  // has nowhere to go.
  const unreachable = new URL(config.replicaUrls[0]!);
  unreachable.port = '1';
  const stranded = await createBlogRwsplit({
    primaryUrl: config.primaryUrl,
    replicaUrls: [unreachable.href],
    fallbackToPrimary: false,
    checkIntervalMs: [600_000, 600_000],
    connectTimeoutMs: 1000,
  });
  let strandedServer: Server | undefined;
  try {
    const { server: s, url } = await listen(createBlogApp(stranded));
    strandedServer = s;
    const res = await fetch(`${url}/posts`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      error: expect.stringMatching(/^No replica can serve this read \(127\.0\.0\.1:1: unreachable\)/),
      code: 'RWSPLIT_NO_REPLICA',
    });
  } finally {
    await stop(strandedServer);
    await stranded.close();
  }
});

test('--trace: the spans of a request name the node that served it, as the response header does', async () => {
  const exporter = new InMemorySpanExporter();
  const stopTracing = startTracing(exporter);
  try {
    const res = await call('GET', '/posts');
    expect(res.status).toBe(200);
    const spans = exporter.getFinishedSpans().filter((s) => s.name.startsWith('rwsplit '));
    expect(spans.length).toBeGreaterThan(0);
    const traced = spans.map(
      (s) => `${s.attributes['server.address']}:${s.attributes['server.port']} ${s.attributes['rwsplit.role']}`,
    );
    expect(new Set(traced)).toEqual(new Set(res.headers.get(NODES_HEADER)!.split(', ')));
  } finally {
    await stopTracing();
  }
});

describe('causal tokens rwsplit refuses', () => {
  /** A token a client could forge: a position far ahead of the primary's, on its timeline. */
  async function forged(): Promise<string> {
    const real = await rw.session(async () => {
      await rw.client.user.count();
      return null;
    });
    expect(real).toBeNull();
    const [{ timeline }] = (await queryOnce<{ timeline: number }>(
      config.primaryUrl,
      "SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int AS timeline",
    )) as [{ timeline: number }];
    return new CausalTokens().encode({ lsn: 'FFFFFFF/0', timeline });
  }

  test('a forged token is a 400 naming the problem, not a read sent to the primary', async () => {
    const res = await call('GET', '/posts', { headers: { [TOKEN_HEADER]: await forged() } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(
      /^Bad header x-rwsplit-token: The causal token claims WAL position FFFFFFF\/0, ahead/,
    );
  });

  test("with onBadToken 'ignore', the request is served as if no token was sent", async () => {
    const { server: lenient, url } = await listen(createBlogApp(rw, { onBadToken: 'ignore' }));
    try {
      const res = await fetch(`${url}/posts`, { headers: { cookie: `${TOKEN_COOKIE}=${await forged()}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get(NODES_HEADER)).toMatch(/ replica$/);
      expect(res.headers.getSetCookie().join(';')).toMatch(new RegExp(`^${TOKEN_COOKIE}=;`));
    } finally {
      await stop(lenient);
    }
  });

  test('with a token secret, a token signed with another one is a 400', async () => {
    const secret = 'express-example-secret-0123456789';
    const signed = await createBlogRwsplit({
      primaryUrl: config.primaryUrl,
      replicaUrls: config.replicaUrls,
      checkIntervalMs: [600_000, 600_000],
      tokenSecret: secret,
    });
    const { server: strict, url } = await listen(createBlogApp(signed));
    try {
      const foreign = new CausalTokens(['another-application-secret-000001']).encode({ lsn: '0/1', timeline: 1 });
      const res = await fetch(`${url}/posts`, { headers: { [TOKEN_HEADER]: foreign } });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/not signed with this application's tokenSecret/);
    } finally {
      await stop(strict);
      await signed.close();
    }
  });
});
