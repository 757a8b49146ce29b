// How rwsplit names a node: `host:port` as written in its URL. Every event and every metric label uses this
// name, so an application can map it back to its own names for the node.

export interface NodeAddress {
  /** A label for logs and metrics: `host:port`. */
  readonly name: string;
  readonly url: string;
  readonly host: string;
  readonly port: number;
}

/**
 * Parses a postgres URL into the address parts the router needs (the URL must already be valid).
 * @example nodeAddress('postgresql://app:pw@10.0.0.2:5433/app').name === '10.0.0.2:5433'
 */
export function nodeAddress(url: string): NodeAddress {
  const u = new URL(url);
  const port = Number(u.port || 5432);
  return { name: `${u.hostname}:${port}`, url, host: u.hostname, port };
}
