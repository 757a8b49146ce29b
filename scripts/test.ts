// npm test: the lint (tsc, ESLint, Prettier) and the jest suites side by side, so the lint's CPU-bound minute and a
// half overlaps the suites, which mostly wait on PostgreSQL (one jest worker); the run fails when either does. The
// lint's output is printed after jest's. Arguments go to jest (`npm test -- --selectProjects rwsplit-unit`).
import { execa } from 'execa';
import { runMain } from '../src/cli/run-main';

runMain(async () => {
  const lint = execa('npm', ['run', '--silent', 'lint'], { all: true, reject: false });
  const jest = execa('npx', ['jest', ...process.argv.slice(2)], { stdio: 'inherit', reject: false });
  const [linted, tested] = await Promise.all([lint, jest]);
  if (linted.all) console.log(`\nnpm run lint:\n${linted.all}`);
  const failed = [
    linted.exitCode === 0 ? null : `npm run lint (exit ${linted.exitCode}, output above)`,
    tested.exitCode === 0 ? null : `jest (exit ${tested.exitCode})`,
  ].filter((what): what is string => what !== null);
  if (failed.length > 0) throw new Error(`${failed.join(' and ')} failed.`);
  console.log('npm test: the lint and every suite passed.');
});
