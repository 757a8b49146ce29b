// The nodes Prisma Studio can open: the primary, then each standby, named as the local cluster names them.
import { type Config, ConfigError } from '../config';

/** Studio's port for node 0; node N gets this + N, so every node can have a Studio open at once. */
export const DEFAULT_STUDIO_PORT = 5555;

export interface StudioNode {
  /** `primary`, `standby1`, `standby2` … in the order of `DATABASE_URL` then `REPLICA_URLS`. */
  readonly name: string;
  /** 0 for the primary, N for the Nth standby. */
  readonly index: number;
  readonly url: string;
  /** `DEFAULT_STUDIO_PORT + index`. */
  readonly defaultPort: number;
}

/** Every configured node: `config.primaryUrl`, then `config.replicaUrls`. */
export function studioNodes(config: Config): StudioNode[] {
  return [config.primaryUrl, ...config.replicaUrls].map((url, index) => ({
    name: index === 0 ? 'primary' : `standby${index}`,
    index,
    url,
    defaultPort: DEFAULT_STUDIO_PORT + index,
  }));
}

/**
 * The node named `which`: a name (`primary`, `standby1` …, also `standby` for the first standby) or an index
 * (`0` is the primary). Throws `ConfigError` listing the configured nodes otherwise.
 * @example resolveStudioNode(config, 'standby2'); resolveStudioNode(config, '1')
 */
export function resolveStudioNode(config: Config, which: string): StudioNode {
  const nodes = studioNodes(config);
  const wanted = which.trim().toLowerCase();
  const found = /^\d+$/.test(wanted)
    ? nodes[Number(wanted)]
    : nodes.find((n) => n.name === (wanted === 'standby' ? 'standby1' : wanted));
  if (found) return found;
  const list = nodes.map((n) => `${n.name} (${n.index})`).join(', ');
  const hint = nodes.length === 1 ? ' No standby is configured: set REPLICA_URLS, or unset DATABASE_URL.' : '';
  throw new ConfigError(`No node "${which}". Configured nodes: ${list}.${hint}`);
}
