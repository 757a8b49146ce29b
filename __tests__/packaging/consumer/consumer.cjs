// The packed library used from CommonJS, as an application would: `require('rwsplit')` resolves to the installed
// tarball (node_modules/rwsplit); the Prisma client is this project's own (generated, then compiled by tsc).
// Prints one JSON line of what the servers answered; the test asserts on it.
//
// Env: PRIMARY_URL, REPLICA_URLS (comma-separated), MARKER_ID: a pack_author row the test inserted on the primary
// after pausing replay on every standby, so only the primary has it.
const { createRwsplit } = require('rwsplit');
const { PrismaClient } = require('./build/generated/prisma/client.js');

// prom-client is an optional peer: the main entry point must not load it (only `rwsplit/metrics` does).
const promClientLoaded = Object.keys(require.cache).some((file) => file.includes('/node_modules/prom-client/'));

const SERVER_IDENTITY_READS = 4;

async function main() {
  const markerId = Number(process.env.MARKER_ID);
  const events = [];
  const rw = await createRwsplit({
    PrismaClient,
    primaryUrl: process.env.PRIMARY_URL,
    replicaUrls: process.env.REPLICA_URLS.split(','),
    // Replay is paused on purpose: the replicas must stay eligible however far behind they fall, and a read that
    // found none must fail rather than quietly go to the primary.
    maxLagMs: 3_600_000,
    maxLagBytes: 1024 ** 3,
    fallbackToPrimary: false,
    checkIntervalMs: [60_000, 60_000],
    onEvent: (e) => events.push(e),
  });
  try {
    // (a) Plain model reads land on a paused standby, which lacks the marker; the primary has it.
    const reads = {
      findUnique: await rw.client.author.findUnique({ where: { id: markerId } }),
      findMany: await rw.client.author.findMany({ where: { id: markerId } }),
      primaryFindUnique: await rw.client.$primary().author.findUnique({ where: { id: markerId } }),
    };
    const identities = [];
    for (let i = 0; i < SERVER_IDENTITY_READS; i++) {
      const [row] = await rw.client.$replica()
        .$queryRaw`SELECT inet_server_port() AS port, pg_is_in_recovery() AS in_recovery`;
      identities.push({ port: row.port, inRecovery: row.in_recovery });
    }
    // (b) A write through the routed client (a standby would refuse it); the test looks for the row on the primary
    // over its own connection.
    const created = await rw.client.author.create({
      data: { name: 'packed-cjs', books: { create: [{ title: 'Written' }] } },
    });
    // (c) Read-your-writes: in a session, a read after a write sees it although no standby has replayed it.
    const before = events.length;
    const session = await rw.session(async () => {
      const author = await rw.client.author.create({
        data: { name: 'packed-session', books: { create: [{ title: 'Read back' }] } },
      });
      const read = await rw.client.author.findUnique({ where: { id: author.id }, include: { books: true } });
      return { createdId: author.id, read };
    });
    // Where each call of the session went, as rwsplit reported it (the servers' answers above are the proof).
    const route = events
      .slice(before)
      .map((e) => (e.event === 'query' ? `${e.role}:${e.operation}` : `${e.event}:${e.reason ?? ''}`));
    const result = {
      resolved: require.resolve('rwsplit'),
      promClientLoaded,
      reads,
      identities,
      created: { id: created.id },
      session: { ...session, route },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await rw.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
