// A replica left behind on an old timeline. Patroni 3.0.2 decides once, right after a crashed leader restarts as a
// standby, whether it must be rewound; on a slow machine it can decide while crash recovery has not yet replayed the
// WAL the dead leader wrote past the new leader's fork, answer "no rewind needed", and never ask again. The member then
// runs forever on the old timeline without streaming ("running", timeline behind the leader's). An operator runs
// `patronictl reinit` for it; our tooling does the same (POST /reinitialize) once a replica has stayed behind longer
// than any ordinary rejoin takes.
import type { PatroniCluster } from './patroni-rest';
import { isReplicaRole } from './ha-status';

/** How long a running replica may stay on an older timeline than the leader's before it counts as stranded. */
export const STRANDED_AFTER_MS = 20_000;

export class StrandedReplicas {
  /** Member name -> when it was first seen running behind the leader's timeline. */
  private readonly behindSince = new Map<string, number>();
  /** Members already sent to reinitialize during this watch (once each). */
  private readonly reinitialized = new Set<string>();

  constructor(private readonly afterMs = STRANDED_AFTER_MS) {}

  /** The members stranded as of `now`, each returned once; call with every /cluster seen. */
  observe(cluster: PatroniCluster, now = Date.now()): string[] {
    const leader = cluster.members.find((m) => m.role === 'leader' && m.state === 'running');
    const behind = new Set(
      cluster.members
        .filter(
          (m) =>
            leader?.timeline !== undefined &&
            isReplicaRole(m.role) &&
            (m.state === 'running' || m.state === 'streaming') &&
            m.timeline !== undefined &&
            m.timeline < leader.timeline,
        )
        .map((m) => m.name),
    );
    for (const name of [...this.behindSince.keys()]) if (!behind.has(name)) this.behindSince.delete(name);
    const stranded: string[] = [];
    for (const name of behind) {
      const since = this.behindSince.get(name) ?? now;
      this.behindSince.set(name, since);
      if (now - since >= this.afterMs && !this.reinitialized.has(name)) {
        this.reinitialized.add(name);
        stranded.push(name);
      }
    }
    return stranded;
  }
}
