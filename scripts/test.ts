// npm test: three lanes side by side, and the run fails when any does.
// - the lint (tsc, ESLint, Prettier): a CPU-bound minute and a half;
// - jest on the local cluster (one worker: its suites share the cluster and inject faults into it);
// - once the lint is done, jest on the Patroni cluster (HA_SUITES): its own servers and ports, mostly waiting on
//   Patroni's leader changes, so it overlaps the local cluster's suites instead of following them.
// The lint's and the Patroni lane's output come after the main lane's. Arguments go to one plain jest run instead
// (`npm test -- --selectProjects rwsplit-unit`).
import { execa } from 'execa';
import { runMain } from '../src/cli/run-main';

/** The suites that run on the Patroni cluster (and need nothing of the local cluster's faults). */
const HA_SUITES = ['packages/rwsplit/test/integration/ha-routing\\.test\\.ts$', '__tests__/ha/'];

interface Lane {
  readonly name: string;
  readonly exitCode: number | undefined;
  readonly output: string | undefined;
}

async function lane(name: string, file: string, args: readonly string[], env = {}, show = false): Promise<Lane> {
  const r = await execa(file, args, {
    env,
    reject: false,
    ...(show ? { stdio: 'inherit' as const } : { all: true }),
  });
  return { name, exitCode: r.exitCode, output: show ? undefined : (r.all as string | undefined) };
}

runMain(async () => {
  const args = process.argv.slice(2);
  const lint = lane('npm run lint', 'npm', ['run', '--silent', 'lint']);
  let lanes: Lane[];
  if (args.length > 0) {
    lanes = await Promise.all([lint, lane('jest', 'npx', ['jest', ...args], {}, true)]);
  } else {
    // Each lane leaves the other's cluster alone (RWSPLIT_TEST_LANE, read by the jest global setup).
    const main = lane(
      'jest (local cluster)',
      'npx',
      ['jest', '--testPathIgnorePatterns', '/node_modules/', ...HA_SUITES],
      { RWSPLIT_TEST_LANE: 'local' },
      true,
    );
    const ha = lint.then(() =>
      lane('jest (Patroni cluster)', 'npx', ['jest', '--testPathPatterns', ...HA_SUITES], { RWSPLIT_TEST_LANE: 'ha' }),
    );
    lanes = await Promise.all([main, lint, ha]);
  }
  for (const l of lanes) if (l.output) console.log(`\n${l.name}:\n${l.output}`);
  const failed = lanes.filter((l) => l.exitCode !== 0).map((l) => `${l.name} (exit ${l.exitCode})`);
  if (failed.length > 0) throw new Error(`${failed.join(' and ')} failed; its output is above.`);
  console.log(`npm test: ${lanes.map((l) => l.name).join(', ')} passed.`);
});
