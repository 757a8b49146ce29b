// The README's example, runnable as `npm run example` (against the local cluster: `npm run cluster:up` first,
// or with DATABASE_URL / REPLICA_URLS set). It uses rwsplit by its package name, as any application would.
import { fanOut } from 'rwsplit';
import { createMetrics } from 'rwsplit/metrics';
import { loadConfig } from '../src/config';
import { createRwsplitFromConfig } from '../src/db/app-rwsplit';

async function main(): Promise<void> {
  const metrics = createMetrics();
  const rw = await createRwsplitFromConfig(loadConfig(), {
    maxLagMs: 500, // a replica more than 500 ms behind (and more than maxLagBytes) gets no reads
    onEvent: fanOut(metrics.listener, (e) => e.event === 'replica_ejected' && console.warn(e)),
  });
  try {
    // Outside a scope reads are eventual: any eligible replica.
    const latest = await rw.client.testReplication.findMany({ orderBy: { createdAt: 'desc' }, take: 10 });
    console.log(`latest ${latest.length} rows read from a replica`);

    // Inside a scope a read after a write sees the write (a caught-up replica, else the primary).
    const token = await rw.session(async () => {
      const row = await rw.client.testReplication.create({ data: { data: 'hello from the quickstart' } });
      const again = await rw.client.testReplication.findUnique({ where: { id: row.id } });
      console.log(`wrote row ${row.id}, read it back: ${again?.data}`);
      return rw.token(); // hand this to the next request (cookie/header)
    });

    // The next request requires that write too.
    await rw.session(
      async () => {
        const count = await rw.client.testReplication.count();
        console.log(`the next request, carrying the token, counts ${count} rows`);
      },
      { token: token ?? undefined },
    );

    console.log(
      'replicas:',
      rw
        .replicas()
        .map((r) => `${r.name} ${r.eligible ? 'eligible' : r.reason}`)
        .join(', '),
    );
    const served = (await metrics.registry.getSingleMetricAsString('rwsplit_queries_total'))
      .split('\n')
      .filter((l) => !l.startsWith('#'));
    console.log(served.join('\n'));
  } finally {
    await rw.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
