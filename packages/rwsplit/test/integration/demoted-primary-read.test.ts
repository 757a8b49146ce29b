// A read-your-writes read whose write target has been demoted in place: after a switchover the old leader runs
// again at the same address, as a standby. Until a write fails or the topology is re-read, rwsplit still asks it
// for the primary's WAL position; the standby answers with an error ("recovery is in progress"), which is not a
// connection error. The read must start failover discovery (as a write refused as read-only does) and be served;
// here the refresh and health-check intervals are long, so that nothing else moves the target first. The Patroni
// cluster comes from the cluster kit.
import type { Rwsplit } from '../../src';
import type { PrismaClient } from '../fixture/generated/client';
import { clusterKit, type HaCluster } from '../helpers/cluster-kit';
import { ensureFixtureSchema, uniqueEmail } from '../helpers/fixture-schema';
import { createHaRwsplit } from '../helpers/ha-rwsplit';

let ha: HaCluster | undefined;
let rw: Rwsplit<PrismaClient> | undefined;

beforeAll(async () => {
  ha = await clusterKit().ha({ log: (line) => console.log(line) });
  await ensureFixtureSchema(await ha.nodes());
  // Neither the topology source nor a health check may find the new leader before the read does.
  rw = await createHaRwsplit(ha, { refreshIntervalMs: 600_000, checkIntervalMs: [600_000, 600_000] });
}, 100_000);

afterAll(async () => {
  await rw?.close();
  await ha?.release();
}, 60_000);

test('a read-your-writes read after the primary was demoted in place finds the new primary and is served', async () => {
  if (!rw || !ha) throw new Error('beforeAll did not finish');
  const [routed, cluster] = [rw, ha];
  const email = uniqueEmail('demoted');
  const outcome = await routed.session(async () => {
    const user = await routed.client.user.create({ data: { email, name: 'demoted' } });
    // Waits until the new leader accepts writes and the old one streams from it as a replica.
    const change = await cluster.switchover();
    console.log(`switchover ${change.from} -> ${change.to}; rwsplit still writes to ${routed.primaryName()}`);
    return routed.client.user.findUnique({ where: { id: user.id } }).then(
      (found) => ({ email: found?.email ?? null }),
      (err: unknown) => {
        const e = err as Error & { cause?: { code?: string; message?: string } };
        return { error: `${e.name}: ${e.message} (cause ${e.cause?.code}: ${e.cause?.message})` };
      },
    );
  });
  // Before f70be51 this failed with PrimaryUnreachableError "The primary … did not answer for its WAL position":
  // the standby did answer, with SQLSTATE 55000, which the router did not count as a reason to look for the primary.
  expect(outcome).toEqual({ email });
}, 90_000);
