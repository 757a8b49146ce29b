// npm run demo: brings the local cluster up when nothing is configured, then runs the seed's demo:
// basic write/read-back, performance test, data consistency check.
import { Command } from 'commander';
import { loadConfig } from '../src/config';
import { runMain } from '../src/cli/run-main';
import { intOption } from '../src/bench/common/int-option';
import { prepareDemo, runDemo } from '../src/demo/run-demo';

const program = new Command('demo')
  .description('Write on the primary, read from a standby, time both, and check the standbys hold every row')
  .option('--rows <n>', 'rows the consistency check writes', intOption(1, 100_000), 100)
  .option('--iterations <n>', 'reads and writes the performance test measures, each', intOption(1, 100_000), 200)
  .parse();

runMain(async () => {
  const opts = program.opts<{ rows: number; iterations: number }>();
  const config = loadConfig();
  await prepareDemo(config, (line) => console.log(line));
  const result = await runDemo(config, { ...opts, print: (text) => console.log(text) });
  if (!result.consistency.consistent || !result.basic.readBack) process.exitCode = 1;
});
