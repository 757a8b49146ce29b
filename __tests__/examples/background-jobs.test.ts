// The background-jobs example (examples/background-jobs) on the real cluster with pg-boss: with replay paused on
// both standbys, a job queued after a write carries the write's causal token and its worker finds the row, which
// only the primary has; the same read in a job queued without a token goes to a paused standby and finds nothing.
import PgBoss from 'pg-boss';
import type { CausalJob } from '../../examples/background-jobs/causal-jobs';
import { workWithToken, writeThenEnqueue } from '../../examples/background-jobs/causal-jobs';
import { loadConfig } from '../../src/config';
import { type AppRwsplit, createRwsplitFromConfig } from '../../src/db/app-rwsplit';
import { setStandbyReplay } from '../helpers/standby-replay';

const QUEUE = `rwsplit-test-jobs-${process.pid}`;
const config = loadConfig();
let rw: AppRwsplit;
let boss: PgBoss;

beforeAll(async () => {
  // Paused standbys stay eligible (no background check moves them), so a read without a token goes to one.
  rw = await createRwsplitFromConfig(config, {
    maxLagMs: 600_000,
    maxLagBytes: 1024 ** 3,
    checkIntervalMs: [600_000, 600_000],
  });
  boss = new PgBoss({ connectionString: config.primaryUrl });
  boss.on('error', () => undefined);
  await boss.start();
  await boss.createQueue(QUEUE);
});
afterAll(async () => {
  await setStandbyReplay(false);
  await boss?.deleteQueue(QUEUE).catch(() => undefined);
  await boss?.stop({ graceful: false, wait: true });
  await rw?.close();
});

test("a job queued after a write reads it with the write's token; without the token it reads a lagging replica", async () => {
  const seen = new Map<string, boolean>();
  const finished = new Promise<void>((resolve) => {
    void workWithToken<unknown, { id: number; label: string }>(
      rw,
      boss,
      QUEUE,
      async ({ id, label }) => {
        seen.set(label, (await rw.client.testReplication.findUnique({ where: { id } })) !== null);
        if (seen.size === 2) resolve();
      },
      { pollingIntervalSeconds: 0.5 },
    );
  });
  await setStandbyReplay(true);
  const { result } = await writeThenEnqueue(
    rw,
    boss,
    QUEUE,
    () => rw.client.testReplication.create({ data: { data: 'background-jobs test' } }),
    (row) => ({ id: row.id, label: 'with token' }),
  );
  const untokened: CausalJob<{ id: number; label: string }> = {
    payload: { id: result.id, label: 'without token' },
    token: null,
  };
  await boss.send(QUEUE, untokened);
  await finished;
  expect(Object.fromEntries(seen)).toEqual({ 'with token': true, 'without token': false });
}, 30_000);
