// npm run studio:primary | studio:standby | studio -- <node-name-or-index> [--port N]
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig, maskUrl } from '../src/config';
import { runMain } from '../src/cli/run-main';
import { resolveStudioNode, studioNodes } from '../src/studio/studio-nodes';
import { StudioServer } from '../src/studio/studio';

const port = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('a port from 1 to 65535');
  return n;
};

new Command('studio')
  .description('Open Prisma Studio on one node (primary, standby1, standby2 … or its index)')
  .argument('[node]', 'node name or index (see --list)')
  .option('--port <port>', 'port to serve on (default 5555 + the node index)', port)
  .option('--list', 'list the configured nodes and exit')
  .action((which: string | undefined, opts: { port?: number; list?: boolean }) =>
    runMain(async () => {
      const config = loadConfig();
      if (opts.list) {
        for (const n of studioNodes(config)) console.log(`${n.index}  ${n.name}  ${maskUrl(n.url)}`);
        return;
      }
      if (which === undefined) throw new Error('Name a node (primary, standby1 … or an index), or use --list.');
      const node = resolveStudioNode(config, which);
      const studio = await StudioServer.start(node, { port: opts.port });
      console.log(`Prisma Studio for ${node.name} (${maskUrl(node.url)}): ${studio.url}  (Ctrl+C to stop)`);
      const stop = () => void studio.stop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await studio.exited;
    }),
  )
  .parseAsync(process.argv);
