// npm run consistency: compare test_replication between the primary and each standby (count + checksums
// computed in PostgreSQL), after syncing every standby to the primary's LSN. Exits 1 when they differ.
import { Command } from 'commander';
import { loadConfig } from '../src/config';
import { runMain } from '../src/cli/run-main';
import { intOption } from '../src/bench/common/int-option';
import { compareTable } from '../src/table-checksums/table-comparison';
import { formatComparison } from '../src/table-checksums/format-comparison';

const program = new Command('consistency')
  .description('Compare test_replication on the primary and each standby, naming the first differing id range')
  .option('--chunk <n>', 'ids per checksum chunk', intOption(1), 10_000)
  .option('--no-sync', 'compare without waiting for the standbys to replay the primary LSN')
  .option('--sync-timeout <ms>', 'how long to wait for the standbys to catch up', intOption(1), 30_000)
  .option('--json', 'print the comparison as JSON')
  .parse();

runMain(async () => {
  const opts = program.opts<{ chunk: number; sync: boolean; syncTimeout: number; json?: boolean }>();
  const result = await compareTable(loadConfig(), {
    chunkWidth: opts.chunk,
    sync: opts.sync,
    syncTimeoutMs: opts.syncTimeout,
  });
  console.log(opts.json ? JSON.stringify(result, null, 2) : formatComparison(result));
  if (!result.equal) process.exitCode = 1;
});
