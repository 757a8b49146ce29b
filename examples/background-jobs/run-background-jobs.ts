// npm run example:jobs: a write, then a background job that reads it back, against the local cluster
// (`npm run cluster:up` first) or DATABASE_URL / REPLICA_URLS. The job carries the write's causal token, so the
// worker reads the row even from a cluster whose replicas lag; the node that served each read is printed.
import PgBoss from 'pg-boss';
import { runMain } from '../../src/cli/run-main';
import { loadConfig } from '../../src/config';
import { createRwsplitFromConfig } from '../../src/db/app-rwsplit';
import { workWithToken, writeThenEnqueue } from './causal-jobs';

const QUEUE = 'rwsplit-example-summarize';

runMain(async () => {
  const config = loadConfig();
  const rw = await createRwsplitFromConfig(config, {
    onEvent: (e) => e.event === 'query' && console.log(`  ${e.operation} on ${e.node} (${e.role})`),
  });
  const boss = new PgBoss({ connectionString: config.primaryUrl });
  boss.on('error', (err) => console.error('pg-boss:', err));
  try {
    await boss.start();
    await boss.createQueue(QUEUE);
    const done = new Promise<void>((resolve, reject) => {
      void workWithToken<unknown, { id: number }>(
        rw,
        boss,
        QUEUE,
        async ({ id }) => {
          const row = await rw.client.testReplication.findUnique({ where: { id } });
          if (!row) return reject(new Error(`The worker did not find row ${id}: its read ignored the token.`));
          console.log(`worker: row ${id} says "${row.data}"`);
          resolve();
        },
        { pollingIntervalSeconds: 0.5 },
      );
    });
    console.log('writing a row and queueing a job that reads it:');
    const { result } = await writeThenEnqueue(
      rw,
      boss,
      QUEUE,
      () => rw.client.testReplication.create({ data: { data: 'written before the job was queued' } }),
      (row) => ({ id: row.id }),
    );
    console.log(`queued a job for row ${result.id}; the worker:`);
    await done;
  } finally {
    await boss.stop({ graceful: true, wait: true }).catch(() => undefined);
    await rw.close();
  }
});
