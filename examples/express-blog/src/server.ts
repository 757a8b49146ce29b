// npm run example:express [-- --port N] [-- --trace]: the blog against the local cluster (`npm run cluster:up` first), or the
// servers named by DATABASE_URL / REPLICA_URLS. Ctrl-C stops the server and closes rwsplit's pools.
import type { AddressInfo } from 'node:net';
import { Command, InvalidArgumentError } from 'commander';
import { runMain } from '../../../src/cli/run-main';
import { loadConfig } from '../../../src/config';
import { applyBlogSchema } from './apply-blog-schema';
import { createBlogRwsplit } from './blog-rwsplit';
import type { BadTokenPolicy } from './causal-session';
import { startTracing } from './console-tracing';
import { createBlogApp } from './create-app';

const port = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port from 0 to 65535');
  return n;
};

new Command('express-blog')
  .description('The rwsplit Express example: a blog whose reads go to replicas, with read-your-writes per client')
  .option('--port <port>', 'port to listen on, on 127.0.0.1 (0: any free port)', port, 3000)
  .option(
    '--on-bad-token <policy>',
    'a causal token rwsplit refuses: reject (400 naming the problem) or ignore (serve as if none was sent)',
    (value: string) => {
      if (value !== 'reject' && value !== 'ignore') throw new InvalidArgumentError('reject or ignore');
      return value;
    },
    'reject',
  )
  .option('--trace', "print OpenTelemetry spans to the console: Prisma's, and rwsplit's naming each statement's node")
  .action((opts: { port: number; trace?: boolean; onBadToken: BadTokenPolicy }) =>
    runMain(async () => {
      const stopTracing = opts.trace ? startTracing() : async () => undefined;
      const config = loadConfig();
      await applyBlogSchema(config.primaryUrl, config.writer.connectTimeoutMs);
      const { routing } = config;
      const rw = await createBlogRwsplit({
        primaryUrl: config.primaryUrl,
        replicaUrls: config.replicaUrls,
        maxLagMs: routing.maxLagMs,
        maxLagBytes: routing.maxLagBytes,
        checkIntervalMs: routing.checkIntervalMs,
        fallbackToPrimary: routing.fallbackToPrimary,
        consistency: routing.consistency,
        readYourWritesWaitMs: routing.readYourWritesWaitMs,
        connectTimeoutMs: config.writer.connectTimeoutMs,
        checkTimeoutMs: routing.checkTimeoutMs,
        ...(routing.tokenSecrets.length > 0 ? { tokenSecret: routing.tokenSecrets } : {}),
      });
      const server = createBlogApp(rw, { onBadToken: opts.onBadToken }).listen(opts.port, '127.0.0.1');
      try {
        await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
      } catch (err) {
        await rw.close();
        throw err;
      }
      const { port: actual } = server.address() as AddressInfo;
      console.log(
        `express-blog listening on http://127.0.0.1:${actual}  (primary ${rw.primaryName()}; Ctrl+C to stop)`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      // Keep-alive connections would hold server.close() open; nothing is in flight that matters to an example.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rw.close();
      await stopTracing();
      console.log('express-blog stopped');
    }),
  )
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
