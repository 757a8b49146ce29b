// npm test's first step (pretest): make sure the system tools the tests drive for real are present.
import { runMain } from '../src/cli/run-main';
import { ensureSystemTools } from '../src/setup/system-tools';

runMain(async () => {
  const result = await ensureSystemTools();
  if (result.installed.length > 0) console.log(`installed with apt-get: ${result.installed.join(', ')}`);
  for (const line of result.advice) console.warn(`note: ${line}`);
});
