// The nodes the configuration names, and the one rule for naming a node in events and metrics.
//
// Naming rule: every event source (the router, its health checker, the monitor's and `npm run metrics`' health
// checks) names a node by its address, `host:port` as written in its URL (rwsplit's nodeAddress).
// That is the `node` label of every metric, wherever the metrics are mounted. The configured names (`primary`,
// `standby1` …) are for people: views that know the configuration show them next to the address, and turn an
// event's address back into a configured name with `nodeForAddress`.
import type { Config } from '../config';
import { nodeAddress } from 'rwsplit';

export interface ConfiguredNode {
  /** `primary`, then `standby1`, `standby2` … (the local cluster's node names, and `application_name`). */
  readonly name: string;
  /** `host:port` from the URL: the node's name in the router's events and in every metric's `node` label. */
  readonly address: string;
  /** What the configuration says the node is. */
  readonly expectedRole: 'primary' | 'standby';
  /** Its URL, with the password (never print it: use maskUrl). */
  readonly url: string;
}

/** The name events and metrics give the node at `url`: `host:port`, exactly as the router names it. */
export function addressOf(url: string): string {
  return nodeAddress(url).name;
}

/** A configured node from its name, role and URL (the address is derived from the URL). */
export function configuredNode(name: string, expectedRole: 'primary' | 'standby', url: string): ConfiguredNode {
  return { name, address: addressOf(url), expectedRole, url };
}

/** The primary, then each replica URL in order. */
export function configuredNodes(config: Pick<Config, 'primaryUrl' | 'replicaUrls'>): ConfiguredNode[] {
  return [
    configuredNode('primary', 'primary', config.primaryUrl),
    ...config.replicaUrls.map((url, i) => configuredNode(`standby${i + 1}`, 'standby', url)),
  ];
}

/** Only the standbys. */
export function configuredStandbys(config: Pick<Config, 'primaryUrl' | 'replicaUrls'>): ConfiguredNode[] {
  return configuredNodes(config).filter((n) => n.expectedRole === 'standby');
}

/** The configured node an event's `node` (an address) refers to, or undefined for a node not configured. */
export function nodeForAddress(nodes: readonly ConfiguredNode[], address: string): ConfiguredNode | undefined {
  return nodes.find((n) => n.address === address);
}

/** For people: `standby1 (127.0.0.1:15433)` for a configured node, else the address alone. */
export function describeAddress(nodes: readonly ConfiguredNode[], address: string): string {
  const node = nodeForAddress(nodes, address);
  return node ? `${node.name} (${address})` : address;
}
