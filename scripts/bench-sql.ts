// npm run bench:sql: what judging raw SQL costs per statement (PostgreSQL's parser, uncached and cached).
import { runMain } from '../src/cli/run-main';
import { benchCommand } from '../src/bench/common/bench-command';
import { wholeNumberOption } from '../src/bench/common/whole-number-option';
import { formatSqlParseCost, measureSqlParseCost } from '../src/bench/reads/sql-parse-cost';

const { samples } = benchCommand(
  'bench:sql',
  "What judging raw SQL for replicas costs: PostgreSQL's parser per statement, uncached and cached",
  { samples: wholeNumberOption('--samples <n>', 'timed verdicts per statement and kind', { min: 1 }, 2000) },
).parse();

runMain(async () => {
  console.log(formatSqlParseCost(await measureSqlParseCost(samples)));
});
