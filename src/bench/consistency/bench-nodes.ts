// The nodes the consistency bench talks about, under one name each: the local cluster's node name (primary,
// standby1 …), the router's `host:port` label (what its events carry), and, on the local cluster only, the
// superuser connection that lag injection needs.
import type pg from 'pg';
import type { Config } from '../../config';
import { LocalCluster } from '../../cluster/local-cluster';
import { configuredNodes } from '../../replication/configured-nodes';
import { nodeAddress } from 'rwsplit';
import { localNodeControl, type NodeControl } from './node-control';

export interface BenchNode {
  /** `primary`, `standby1` … */
  readonly name: string;
  /** `host:port`, as the router's events name the node. */
  readonly routerName: string;
  /** The application's URL for the node (never print it: maskUrl). */
  readonly url: string;
}

export interface BenchNodes {
  readonly primary: BenchNode;
  readonly standbys: readonly BenchNode[];
  /** The friendly name for a router label (`127.0.0.1:15433` → `standby1`); the label itself when unknown. */
  nameOf(routerName: string): string;
}

/** Superuser access to the local cluster's nodes, for lag injection, and control of their processes, for faults. */
export interface AdminAccess {
  /** The cluster's folder (the restore ledger lives there). */
  readonly clusterDir: string;
  /** The superuser's connection to a node by name, over the cluster's Unix socket. */
  admin(name: string): pg.ClientConfig;
  /** Freezes, kills, thaws and starts nodes by name. */
  readonly control: NodeControl;
}

/** Names the configured nodes; on the local cluster the names are the nodes' own (matched by port). */
export function benchNodes(config: Config): BenchNodes {
  const cluster = config.usesLocalCluster ? new LocalCluster(config.cluster) : null;
  const all = configuredNodes(config).map((n): BenchNode => {
    const address = nodeAddress(n.url);
    const local = cluster?.nodes.find((c) => c.port === address.port);
    return { name: local?.name ?? n.name, routerName: address.name, url: n.url };
  });
  const byLabel = new Map(all.map((n) => [n.routerName, n.name]));
  return {
    primary: all[0]!,
    standbys: all.slice(1),
    nameOf: (routerName) => byLabel.get(routerName) ?? routerName,
  };
}

/**
 * The superuser's access to the local cluster. Refuses when the configuration points at servers the project
 * does not manage: injecting lag there would need their superuser, and would disturb them.
 */
export function adminAccess(config: Config): AdminAccess {
  if (!config.usesLocalCluster) {
    throw new Error(
      'bench:consistency injects lag (pauses replay, sets recovery_min_apply_delay and synchronous_standby_names) ' +
        "with the local cluster's superuser, but DATABASE_URL points at servers this project does not manage. " +
        'Unset DATABASE_URL to run it on the local cluster, or pass --no-inject to measure those servers as they ' +
        'are (no injected lag; remote_apply only if their primary already has synchronous standbys).',
    );
  }
  const cluster = new LocalCluster(config.cluster);
  return {
    clusterDir: config.cluster.dir,
    admin: (name) => cluster.adminTarget(cluster.node(name)),
    control: localNodeControl(cluster),
  };
}
