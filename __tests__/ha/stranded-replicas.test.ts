import type { PatroniCluster } from '../../src/ha/patroni-rest';
import { StrandedReplicas } from '../../src/ha/stranded-replicas';

function cluster(ha3: { timeline: number; state?: string; role?: string }): PatroniCluster {
  return {
    members: [
      { name: 'ha1', role: 'leader', state: 'running', timeline: 4 },
      { name: 'ha2', role: 'sync_standby', state: 'running', timeline: 4, lag: 0 },
      { name: 'ha3', role: ha3.role ?? 'replica', state: ha3.state ?? 'running', timeline: ha3.timeline, lag: 0 },
    ],
  };
}

describe('StrandedReplicas', () => {
  test('a running replica behind the leader for the grace period is named once', () => {
    const watch = new StrandedReplicas(10_000);
    expect(watch.observe(cluster({ timeline: 2 }), 0)).toEqual([]);
    expect(watch.observe(cluster({ timeline: 2 }), 9_999)).toEqual([]);
    expect(watch.observe(cluster({ timeline: 2 }), 10_000)).toEqual(['ha3']);
    expect(watch.observe(cluster({ timeline: 2 }), 30_000)).toEqual([]);
  });

  test('catching up restarts the clock; members on the leader timeline, starting or stopped are never named', () => {
    const watch = new StrandedReplicas(10_000);
    watch.observe(cluster({ timeline: 2 }), 0);
    expect(watch.observe(cluster({ timeline: 4 }), 5_000)).toEqual([]);
    expect(watch.observe(cluster({ timeline: 3 }), 6_000)).toEqual([]);
    expect(watch.observe(cluster({ timeline: 3 }), 15_000)).toEqual([]);
    expect(watch.observe(cluster({ timeline: 3 }), 16_000)).toEqual(['ha3']);
    const other = new StrandedReplicas(10_000);
    for (const state of ['starting', 'stopped', 'creating replica']) {
      other.observe(cluster({ timeline: 1, state }), 0);
      expect(other.observe(cluster({ timeline: 1, state }), 60_000)).toEqual([]);
    }
  });
});
