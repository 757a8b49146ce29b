// npm run db:migrate: apply prisma/migrations to the primary (prisma migrate deploy, or the offline applier).
import { loadConfig, maskUrl } from '../src/config';
import { migrate } from '../src/db/migrator';
import { runMain } from '../src/cli/run-main';

runMain(async () => {
  const config = loadConfig();
  const result = await migrate(config.primaryUrl, config.schemaEngine);
  const what = result.applied.length ? `applied ${result.applied.join(', ')}` : 'nothing to apply';
  console.log(`${maskUrl(config.primaryUrl)}: ${what} (${result.via})`);
});
