// npm run check: each node's reachability, version, role and latency; exits 1 if any node is down.
import { Command } from 'commander';
import { loadConfig } from '../src/config';
import { runMain } from '../src/cli/run-main';
import { intOption } from '../src/bench/common/int-option';
import { allNodesUp, checkNodes, formatNodeChecks, roleMismatches } from '../src/replication/node-check';

const program = new Command('check')
  .description('Check each configured node: reachable, server version, role (pg_is_in_recovery()), latency')
  .option('--timeout <ms>', 'connect timeout per node, in ms', intOption(1, 600_000), 3000)
  .parse();

runMain(async () => {
  const opts = program.opts<{ timeout: number }>();
  const checks = await checkNodes(loadConfig(), { connectTimeoutMs: opts.timeout });
  console.log(formatNodeChecks(checks));
  for (const c of roleMismatches(checks)) {
    console.log(`warning: ${c.name} is configured as the ${c.expectedRole} but answers as a ${c.role}.`);
  }
  if (!allNodesUp(checks)) {
    const down = checks.filter((c) => c.role === 'down').map((c) => c.name);
    throw new Error(
      `${down.join(', ')} ${down.length === 1 ? 'is' : 'are'} down. Start the local cluster with ` +
        '`npm run cluster:up`, or fix DATABASE_URL / REPLICA_URLS.',
    );
  }
  console.log('all nodes up');
});
