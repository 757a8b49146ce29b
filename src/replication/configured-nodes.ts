// The nodes the configuration names, with the names every report uses for them.
import type { Config } from '../config';

export interface ConfiguredNode {
  /** `primary`, then `standby1`, `standby2` … (the local cluster's node names, and `application_name`). */
  readonly name: string;
  /** What the configuration says the node is. */
  readonly expectedRole: 'primary' | 'standby';
  /** Its URL, with the password (never print it: use maskUrl). */
  readonly url: string;
}

/** The primary, then each replica URL in order. */
export function configuredNodes(config: Pick<Config, 'primaryUrl' | 'replicaUrls'>): ConfiguredNode[] {
  return [
    { name: 'primary', expectedRole: 'primary', url: config.primaryUrl },
    ...config.replicaUrls.map((url, i) => ({ name: `standby${i + 1}`, expectedRole: 'standby' as const, url })),
  ];
}

/** Only the standbys. */
export function configuredStandbys(config: Pick<Config, 'primaryUrl' | 'replicaUrls'>): ConfiguredNode[] {
  return configuredNodes(config).filter((n) => n.expectedRole === 'standby');
}
