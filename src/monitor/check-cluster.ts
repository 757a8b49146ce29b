// One round of health checks over every node: who is primary, how far each standby is behind it, and whether
// each standby may serve reads now by the routing rule (lag time ≤ max OR lag bytes ≤ max).
import type { RoutingConfig } from '../config';
import { type EjectionReason, ineligibility, lsnDiff } from 'rwsplit';
import type { ConfiguredNode } from '../replication/configured-nodes';
import { type NodeProbe, probeLsn, probeNode } from './node-probe';

export type NodeRole = 'primary' | 'standby' | 'down';

/** One node after a check, with the figures derived against the current primary. */
export interface NodeState extends NodeProbe {
  readonly expectedRole: 'primary' | 'standby';
  readonly role: NodeRole;
  /** A short human word for the node: `read-write`, `streaming`, `replay paused`, `down` … */
  readonly state: string;
  /** Primary: its current WAL LSN. Standby: its replay LSN. Null when unknown. */
  readonly lsn: string | null;
  /** WAL bytes between the primary's current LSN and this standby's replay LSN; null when either is unknown. */
  readonly lagBytes: number | null;
  /**
   * Replay lag in ms: 0 when nothing is missing (no byte lag, or, with the primary unknown, everything received
   * is replayed), else the age of the last replayed commit; null when unknown.
   */
  readonly lagMs: number | null;
  /** Standbys: eligible for reads now. Null for the primary and for nodes that are down but not standbys. */
  readonly eligible: boolean | null;
  /** Why a standby is not eligible; null when it is (or for the primary). */
  readonly ineligibleReason: EjectionReason | null;
}

export interface ClusterCheck {
  /** When the round started (epoch ms, from the injected clock). */
  readonly at: number;
  /** Name of the node that answered as primary, or null when none did. */
  readonly primary: string | null;
  readonly primaryLsn: string | null;
  readonly nodes: readonly NodeState[];
}

export type LagLimits = Pick<RoutingConfig, 'maxLagMs' | 'maxLagBytes'>;

function bytesBetween(ahead: string | null, behind: string | null): number | null {
  if (ahead === null || behind === null) return null;
  // Probes run in parallel: a standby read a moment after the primary may already be past it.
  return Math.max(0, Number(lsnDiff(ahead, behind)));
}

function stateWord(probe: NodeProbe): string {
  if (!probe.reachable || !probe.standby) return 'down';
  if (!probe.standby.inRecovery) return 'read-write';
  if (probe.standby.replayPaused) return 'replay paused';
  return probe.activity?.receiverStatus ?? 'not streaming';
}

const inRecovery = (probe: NodeProbe): boolean | null => (probe.reachable ? (probe.standby?.inRecovery ?? null) : null);

/** Derives roles, lag and eligibility from a round of probes. Pure, so tests can feed it made-up probes. */
export function deriveClusterCheck(
  at: number,
  probes: readonly (NodeProbe & Pick<ConfiguredNode, 'expectedRole'>)[],
  limits: LagLimits,
): ClusterCheck {
  // The first node answering as read-write is the primary (the configured one comes first).
  const primary = probes.find((p) => inRecovery(p) === false) ?? null;
  const primaryLsn = primary ? probeLsn(primary) : null;
  const nodes = probes.map((probe): NodeState => {
    const recovering = inRecovery(probe);
    const role: NodeRole = recovering === null ? 'down' : recovering ? 'standby' : 'primary';
    const lsn = probeLsn(probe);
    if (role === 'primary') {
      return {
        ...probe,
        role,
        state: stateWord(probe),
        lsn,
        lagBytes: null,
        lagMs: null,
        eligible: null,
        ineligibleReason: null,
      };
    }
    const lagBytes = bytesBetween(primaryLsn, lsn);
    const receiveLsn = probe.standby?.receiveLsn ?? null;
    const caughtUp = primaryLsn !== null ? lagBytes === 0 : bytesBetween(receiveLsn, lsn) === 0;
    const lagMs = role === 'down' ? null : caughtUp ? 0 : secondsToMs(probe.standby?.secondsSinceLastReplay ?? null);
    // The library's routing rule, so the monitor and the router never disagree about a standby.
    const reason = ineligibility(
      { reachable: probe.reachable, inRecovery: recovering === true, lagMs, lagBytes },
      limits,
    );
    // A down node configured as primary is not a standby: it has no eligibility to report.
    const isStandby = role === 'standby' || probe.expectedRole === 'standby';
    return {
      ...probe,
      role,
      state: stateWord(probe),
      lsn,
      lagBytes,
      lagMs,
      eligible: isStandby ? reason === null : null,
      ineligibleReason: isStandby ? reason : null,
    };
  });
  return { at, primary: primary?.name ?? null, primaryLsn, nodes };
}

const secondsToMs = (s: number | null) => (s === null ? null : Math.max(0, Math.round(s * 1000)));

export interface CheckClusterOptions {
  readonly limits: LagLimits;
  /** Per-probe timeout in ms. Default `DEFAULT_PROBE_TIMEOUT_MS`. */
  readonly timeoutMs?: number;
  /** Clock, injectable for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/** Probes every node in parallel and derives the round's figures. Never throws for a node that is down. */
export async function checkCluster(
  nodes: readonly ConfiguredNode[],
  options: CheckClusterOptions,
): Promise<ClusterCheck> {
  const at = (options.now ?? Date.now)();
  const probes = await Promise.all(
    nodes.map(async (n) => ({
      ...(await probeNode(n, options.timeoutMs)),
      expectedRole: n.expectedRole,
    })),
  );
  return deriveClusterCheck(at, probes, options.limits);
}
