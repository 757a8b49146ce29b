// npm run bench:sql: what judging raw SQL costs per statement (PostgreSQL's parser, uncached and cached).
import { Command } from 'commander';
import { runMain } from '../src/cli/run-main';
import { intOption } from '../src/bench/common/int-option';
import { formatSqlParseCost, measureSqlParseCost } from '../src/bench/reads/sql-parse-cost';

const program = new Command('bench:sql')
  .description("What judging raw SQL for replicas costs: PostgreSQL's parser per statement, uncached and cached")
  .option('--samples <n>', 'timed verdicts per statement and kind', intOption(1), 2000)
  .parse();

runMain(async () => {
  const { samples } = program.opts<{ samples: number }>();
  console.log(formatSqlParseCost(await measureSqlParseCost(samples)));
});
