// A topology source that changes while the application runs (the shape Patroni's gives; the repository's HA tests
// run the real Patroni): replicas that appear serve reads once checked, replicas that leave get none, and a source
// that stops answering keeps the last topology (one event per outage) while reads go on.
import { createRwsplit, type Rwsplit, type RwsplitEvent, type Topology, type TopologySource } from '../../src';
import { PrismaClient } from '../fixture/generated/client';
import { ensureFixtureSchema } from '../helpers/fixture-schema';
import { portOf, testCluster } from '../helpers/test-cluster';

const cluster = testCluster();
const [r1, r2] = cluster.replicaUrls as [string, string];
const IDENTITY = 'SELECT inet_server_port() AS port, pg_is_in_recovery() AS in_recovery';

/** A source the test edits: which replicas it names, and whether it answers at all. */
class EditableSource implements TopologySource {
  readonly description = 'editable test source';
  readonly refreshIntervalMs = 100;
  replicas: string[] = [r1];
  down = false;
  reads = 0;

  async read(): Promise<Topology> {
    this.reads++;
    if (this.down) throw new Error('source down (test)');
    return {
      leaderUrl: cluster.primaryUrl,
      members: [
        { url: cluster.primaryUrl, name: 'p', role: 'leader', readable: false },
        ...this.replicas.map((url, i) => ({ url, name: `r${i}`, role: 'replica' as const, readable: true })),
      ],
    };
  }
}

const until = async (what: string, condition: () => boolean) => {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

let rw: Rwsplit<PrismaClient> | undefined;
afterAll(() => rw?.close());
beforeAll(() => ensureFixtureSchema(cluster));

test('replicas follow the source while running; an unreachable source keeps the last topology', async () => {
  const source = new EditableSource();
  const events: RwsplitEvent[] = [];
  rw = await createRwsplit({
    PrismaClient,
    topology: source,
    checkIntervalMs: [100, 200],
    onEvent: (e) => events.push(e),
  });
  const names = () => rw!.replicas().map((r) => r.name);
  expect(names()).toEqual([`127.0.0.1:${portOf(r1)}`]);
  const port = async () => (await rw!.client.$replica().$queryRawUnsafe<{ port: number }[]>(IDENTITY))[0]?.port;
  expect(await port()).toBe(portOf(r1));

  // A replica appears: it is checked and, once eligible, serves reads; no restart.
  source.replicas = [r1, r2];
  await until('the new replica to be eligible', () =>
    rw!.replicas().some((r) => r.name.endsWith(`:${portOf(r2)}`) && r.eligible),
  );
  expect(events).toContainEqual(
    expect.objectContaining({ event: 'topology_changed', added: [`127.0.0.1:${portOf(r2)}`] }),
  );
  // Reads spread at random: within 40 of them both replicas serve (all on one: a chance of 2 in 2^40).
  const served = new Set<number | undefined>();
  for (let i = 0; i < 40 && served.size < 2; i++) served.add(await port());
  expect(served).toEqual(new Set([portOf(r1), portOf(r2)]));

  // A replica leaves: no read goes to it any more.
  source.replicas = [r2];
  await until('the old replica to be gone', () => names().length === 1);
  for (let i = 0; i < 4; i++) expect(await port()).toBe(portOf(r2));

  // The source stops answering: one event, the last topology stays, reads and writes go on.
  source.down = true;
  const readsBefore = source.reads;
  await until('two failed refreshes', () => source.reads >= readsBefore + 2);
  expect(events.filter((e) => e.event === 'topology_unreachable')).toHaveLength(1);
  expect(names()).toEqual([`127.0.0.1:${portOf(r2)}`]);
  expect(await port()).toBe(portOf(r2));
  await expect(rw.client.user.count()).resolves.toBeGreaterThanOrEqual(0);
  source.down = false;
  await until('the source to answer again', () => events.some((e) => e.event === 'topology_reachable'));
});
