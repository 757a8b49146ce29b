// How the children reach the nodes: straight to PostgreSQL, or through one PgBouncer per node.

export const VIAS = ['direct', 'pgbouncer'] as const;
export type Via = (typeof VIAS)[number];
