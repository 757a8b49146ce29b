// One round of checks over every node: who is primary (the monitor's probes), then how far each standby is behind
// it and whether it may serve reads now, by the library's own health check and routing rule (lag time ≤ max OR lag
// bytes ≤ max), so the monitor and the router never disagree about a standby.
import type { RoutingConfig } from '../config';
import { type EjectionReason, type HostHealth, checkReplicaHealth, ineligibility } from 'rwsplit';
import type { ConfiguredNode } from '../replication/configured-nodes';
import { DEFAULT_PROBE_TIMEOUT_MS, type NodeProbe, probeLsn, probeNode } from './node-probe';

export type NodeRole = 'primary' | 'standby' | 'down';

/**
 * Transactions the library's health check commits on each standby it checks (a short-lived connection: the
 * backend's start-up transaction plus the check's query), which the monitor subtracts like its probe's own.
 */
export const HEALTH_CHECK_TRANSACTIONS = 2;

/** What the library's health check of a standby gives the monitor: the figures its routing rule reads. */
export type StandbyHealth = Pick<HostHealth, 'reachable' | 'inRecovery' | 'lagMs' | 'lagBytes'>;

/** A probe, the node's configured role, and the library's health check of it (null: not checked, e.g. a primary). */
export type CheckedProbe = NodeProbe & Pick<ConfiguredNode, 'expectedRole'> & { readonly health: StandbyHealth | null };

/** One node after a check, with the figures derived against the current primary. */
export interface NodeState extends NodeProbe {
  readonly expectedRole: 'primary' | 'standby';
  readonly role: NodeRole;
  /** A short human word for the node: `read-write`, `streaming`, `replay paused`, `down` … */
  readonly state: string;
  /** Primary: its current WAL LSN. Standby: its replay LSN. Null when unknown. */
  readonly lsn: string | null;
  /**
   * WAL bytes between the primary's current LSN and this standby's replay LSN (with the primary unknown, the
   * standby's own receive LSN, as the router measures it); null when unknown.
   */
  readonly lagBytes: number | null;
  /** Replay lag in ms: 0 when no byte is missing, else the age of the last replayed commit; null when unknown. */
  readonly lagMs: number | null;
  /** Standbys: eligible for reads now. Null for the primary and for nodes that are down but not standbys. */
  readonly eligible: boolean | null;
  /** Why a standby is not eligible; null when it is (or for the primary). */
  readonly ineligibleReason: EjectionReason | null;
  /** The library's health check ran on this node in this round (its transactions count as the monitor's own). */
  readonly healthChecked: boolean;
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

/** A node the probe found down is not checked again: unreachable. */
const NOT_CHECKED: StandbyHealth = { reachable: false, inRecovery: false, lagMs: null, lagBytes: null };

function stateWord(probe: NodeProbe): string {
  if (!probe.reachable || !probe.standby) return 'down';
  if (!probe.standby.inRecovery) return 'read-write';
  if (probe.standby.replayPaused) return 'replay paused';
  return probe.activity?.receiverStatus ?? 'not streaming';
}

const inRecovery = (probe: NodeProbe): boolean | null => (probe.reachable ? (probe.standby?.inRecovery ?? null) : null);

/** The first probe answering read-write: the primary (the configured one comes first). */
function primaryOf(probes: readonly NodeProbe[]): NodeProbe | null {
  return probes.find((p) => inRecovery(p) === false) ?? null;
}

/**
 * Derives roles, lag and eligibility from a round of probes and the library's health checks of the standbys. Pure,
 * so tests can feed it made-up probes and health.
 */
export function deriveClusterCheck(at: number, probes: readonly CheckedProbe[], limits: LagLimits): ClusterCheck {
  const primary = primaryOf(probes);
  const primaryLsn = primary ? probeLsn(primary) : null;
  const nodes = probes.map(({ health, ...probe }): NodeState => {
    const recovering = inRecovery(probe);
    const role: NodeRole = recovering === null ? 'down' : recovering ? 'standby' : 'primary';
    const common = { ...probe, role, state: stateWord(probe), lsn: probeLsn(probe), healthChecked: health !== null };
    // The primary, and a down node configured as primary, are not standbys: no eligibility to report.
    if (role === 'primary' || (role === 'down' && probe.expectedRole === 'primary')) {
      return { ...common, lagBytes: null, lagMs: null, eligible: null, ineligibleReason: null };
    }
    const checked = health ?? NOT_CHECKED;
    const reason = ineligibility(checked, limits);
    // The age of the last replayed commit stands still on an idle standby: with nothing missing, the lag is 0.
    const lagMs = checked.lagBytes === 0 ? 0 : checked.lagMs;
    return { ...common, lagBytes: checked.lagBytes, lagMs, eligible: reason === null, ineligibleReason: reason };
  });
  return { at, primary: primary?.name ?? null, primaryLsn, nodes };
}

export interface CheckClusterOptions {
  readonly limits: LagLimits;
  /** Per-probe (and per-health-check) timeout in ms. Default `DEFAULT_PROBE_TIMEOUT_MS`. */
  readonly timeoutMs?: number;
  /** Clock, injectable for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Probes every node in parallel; then the library checks the health of every node that answered as a standby,
 * against the primary's LSN, in parallel. Never throws for a node that is down.
 */
export async function checkCluster(
  nodes: readonly ConfiguredNode[],
  options: CheckClusterOptions,
): Promise<ClusterCheck> {
  const at = (options.now ?? Date.now)();
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const probes = await Promise.all(nodes.map((n) => probeNode(n, timeoutMs)));
  const primary = primaryOf(probes);
  const primaryLsn = primary ? probeLsn(primary) : null;
  const checked = await Promise.all(
    probes.map(async (probe, i): Promise<CheckedProbe> => {
      const node = nodes[i]!;
      const health =
        inRecovery(probe) === true
          ? await checkReplicaHealth(
              { connectionString: node.url, application_name: 'rwsplit-monitor' },
              { primaryLsn, connectTimeoutMs: timeoutMs, checkTimeoutMs: timeoutMs, now: at },
            )
          : null;
      return { ...probe, expectedRole: node.expectedRole, health };
    }),
  );
  return deriveClusterCheck(at, checked, options.limits);
}
