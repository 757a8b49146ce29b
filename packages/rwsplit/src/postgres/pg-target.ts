// Where a short-lived connection goes: a postgres URL, or a pg client config (e.g. a Unix socket folder as `host`),
// and how to name it in a message without its password.
import type pg from 'pg';

/** A postgres URL, or a pg client config (e.g. `{ host: '/var/run/postgresql', port: 5432, user, database }`). */
export type PgTarget = string | pg.ClientConfig;

/**
 * The target's `host:port` (a socket folder stands as the host), never its password; for a URL that cannot be
 * parsed, "the configured server".
 * @example describeTarget('postgresql://app:pw@10.0.0.2:5433/app') === '10.0.0.2:5433'
 */
export function describeTarget(target: PgTarget): string {
  if (typeof target !== 'string') {
    if (target.host === undefined && target.connectionString !== undefined)
      return describeTarget(target.connectionString);
    return `${target.host ?? 'localhost'}:${target.port ?? 5432}`;
  }
  try {
    const url = new URL(target);
    return `${url.hostname}:${url.port || '5432'}`;
  } catch {
    return 'the configured server';
  }
}
