// A read-your-writes read whose write target has been demoted in place: after a switchover the old leader runs
// again at the same address, as a standby. Until a write fails or the topology is re-read, rwsplit still asks it
// for the primary's WAL position; the standby answers with an error ("recovery is in progress"), which is not a
// connection error. The read must start failover discovery (as a write refused as read-only does) and be served;
// here the refresh and health-check intervals are long, so that nothing else moves the target first.
import { randomUUID } from 'node:crypto';
import { createHaRwsplit, type HaRwsplit } from '../../src/bench-ha/ha-rwsplit';
import { ensureTestReplicationTable } from '../../src/bench-ha/ensure-test-replication-table';
import { type HaCluster, startHaCluster, switchover } from '../../src/ha/ha-cluster';

let cluster: HaCluster | undefined;
let rw: HaRwsplit | undefined;

beforeAll(async () => {
  cluster = await startHaCluster({ log: (line) => console.log(line) });
  await ensureTestReplicationTable(cluster.databaseUrl);
  rw = await createHaRwsplit({
    restUrls: cluster.restUrls,
    databaseUrl: cluster.databaseUrl,
    // Neither the topology source nor a health check may find the new leader before the read does.
    refreshIntervalMs: 600_000,
    checkIntervalMs: [600_000, 600_000],
  });
}, 100_000);

afterAll(async () => {
  await rw?.close();
  if (cluster && !cluster.reused) await cluster.stop();
}, 60_000);

test('a read-your-writes read after the primary was demoted in place finds the new primary and is served', async () => {
  if (!rw) throw new Error('beforeAll did not finish');
  const routed = rw;
  const value = `demoted-${randomUUID()}`;
  const outcome = await routed.session(async () => {
    const row = await routed.client.testReplication.create({ data: { data: value } });
    // Waits until the new leader accepts writes and the old one streams from it as a replica.
    const change = await switchover();
    console.log(`switchover ${change.from} -> ${change.to}; rwsplit still writes to ${routed.primaryName()}`);
    return routed.client.testReplication.findUnique({ where: { id: row.id } }).then(
      (found) => ({ data: found?.data ?? null }),
      (err: unknown) => {
        const e = err as Error & { cause?: { code?: string; message?: string } };
        return { error: `${e.name}: ${e.message} (cause ${e.cause?.code}: ${e.cause?.message})` };
      },
    );
  });
  // Before f70be51 this failed with PrimaryUnreachableError "The primary … did not answer for its WAL position":
  // the standby did answer, with SQLSTATE 55000, which the router did not count as a reason to look for the primary.
  expect(outcome).toEqual({ data: value });
}, 90_000);
