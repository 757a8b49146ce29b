// The packed library used from an ES module: both entry points (`rwsplit`, `rwsplit/metrics`) must import by
// name through the package's `exports` map. One routed read, counted by the metrics listener, then close.
// Env: PRIMARY_URL, REPLICA_URLS (comma-separated). Prints one JSON line.
import process from 'node:process';
import { createRwsplit } from 'rwsplit';
import { createMetrics } from 'rwsplit/metrics';
// The generated client is compiled to CommonJS (build/); Node gives its named exports to an ES module.
import { PrismaClient } from './build/generated/prisma/client.js';

const metrics = createMetrics();
const rw = await createRwsplit({
  PrismaClient,
  primaryUrl: process.env.PRIMARY_URL,
  replicaUrls: process.env.REPLICA_URLS.split(','),
  maxLagMs: 3_600_000,
  maxLagBytes: 1024 ** 3,
  fallbackToPrimary: false,
  checkIntervalMs: [60_000, 60_000],
  onEvent: metrics.listener,
});
try {
  const [identity] = await rw.client.$replica()
    .$queryRaw`SELECT inet_server_port() AS port, pg_is_in_recovery() AS in_recovery`;
  const authors = await rw.client.author.findMany({ take: 1 });
  const queries = await metrics.metrics.queries.get();
  process.stdout.write(
    `${JSON.stringify({
      resolved: { main: import.meta.resolve('rwsplit'), metrics: import.meta.resolve('rwsplit/metrics') },
      identity: { port: identity.port, inRecovery: identity.in_recovery },
      findManyIsArray: Array.isArray(authors),
      queries: queries.values.map((v) => ({ ...v.labels, value: v.value })),
    })}\n`,
  );
} finally {
  await rw.close();
}
