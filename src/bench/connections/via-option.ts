// How the children reach the nodes: straight to PostgreSQL, or through one PgBouncer per node.
import { InvalidArgumentError } from 'commander';

export const VIAS = ['direct', 'pgbouncer'] as const;
export type Via = (typeof VIAS)[number];

const isVia = (value: string): value is Via => (VIAS as readonly string[]).includes(value);

/**
 * Parses `--via direct,pgbouncer`: a non-empty comma-separated list of `direct` and `pgbouncer`, each at most once,
 * in the order given.
 * @example viaOption('pgbouncer, direct') // ['pgbouncer', 'direct']
 */
export function viaOption(value: string): Via[] {
  const items = value.split(',').map((s) => s.trim());
  const bad = items.find((i) => !isVia(i));
  if (bad !== undefined) throw new InvalidArgumentError(`"${bad}" is not one of ${VIAS.join(', ')}.`);
  const vias = items.filter(isVia);
  if (new Set(vias).size !== vias.length) throw new InvalidArgumentError(`"${value}" names a way twice.`);
  return vias;
}
