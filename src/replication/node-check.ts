// `npm run check`: can each configured node be reached, which version and role does it report, how fast.
import { performance } from 'node:perf_hooks';
import Table from 'cli-table3';
import { type Config, maskUrl } from '../config';
import { withPg } from '../db/pg-client';
import { type ConfiguredNode, configuredNodes } from './configured-nodes';
import { IS_IN_RECOVERY, SERVER_VERSION } from './queries';

/** One node's answer, or why there was none. */
export interface NodeCheck {
  readonly name: string;
  /** The node's URL with the password masked. */
  readonly url: string;
  readonly expectedRole: 'primary' | 'standby';
  /** What pg_is_in_recovery() says, or `down` when the node could not be reached. */
  readonly role: 'primary' | 'standby' | 'down';
  readonly version: string | null;
  /** Time to open the connection, in ms. */
  readonly connectMs: number | null;
  /** Round trip of one small query on the open connection, in ms. */
  readonly latencyMs: number | null;
  /** The reason a node is down, e.g. `connect ECONNREFUSED 127.0.0.1:5`. */
  readonly error: string | null;
}

export interface NodeCheckOptions {
  /** Give up connecting to a node after this many ms. Default 3000. */
  readonly connectTimeoutMs?: number;
}

async function checkNode(node: ConfiguredNode, connectTimeoutMs: number): Promise<NodeCheck> {
  const base = { name: node.name, url: maskUrl(node.url), expectedRole: node.expectedRole };
  const started = performance.now();
  try {
    return await withPg(
      node.url,
      async (c) => {
        const connectMs = performance.now() - started;
        const version = (await c.query<{ version: string }>(SERVER_VERSION)).rows[0]?.version ?? null;
        const pinged = performance.now();
        const inRecovery = (await c.query<{ in_recovery: boolean }>(IS_IN_RECOVERY)).rows[0]?.in_recovery;
        const latencyMs = performance.now() - pinged;
        return { ...base, role: inRecovery ? 'standby' : 'primary', version, connectMs, latencyMs, error: null };
      },
      connectTimeoutMs,
    );
  } catch (err) {
    const error = err instanceof Error ? err.message || err.name : String(err);
    return { ...base, role: 'down', version: null, connectMs: null, latencyMs: null, error: maskUrl(error) };
  }
}

/** Checks every configured node in parallel, each on a short-lived connection of its own. */
export async function checkNodes(
  config: Pick<Config, 'primaryUrl' | 'replicaUrls'>,
  options: NodeCheckOptions = {},
): Promise<NodeCheck[]> {
  const timeout = options.connectTimeoutMs ?? 3000;
  return Promise.all(configuredNodes(config).map((node) => checkNode(node, timeout)));
}

/** True when every node answered. */
export function allNodesUp(checks: readonly NodeCheck[]): boolean {
  return checks.every((c) => c.role !== 'down');
}

/** A node that answers in the other role than configured (e.g. after a failover). */
export function roleMismatches(checks: readonly NodeCheck[]): NodeCheck[] {
  return checks.filter((c) => c.role !== 'down' && c.role !== c.expectedRole);
}

const ms = (v: number | null) => (v === null ? '-' : v.toFixed(2));

/** The table `npm run check` prints. */
export function formatNodeChecks(checks: readonly NodeCheck[]): string {
  const table = new Table({
    head: ['node', 'url', 'role', 'version', 'connect ms', 'latency ms', 'note'],
    style: { head: [], border: [] },
  });
  for (const c of checks) {
    const note = c.error ?? (c.role !== c.expectedRole ? `expected ${c.expectedRole}` : 'ok');
    table.push([c.name, c.url, c.role, c.version ?? '-', ms(c.connectMs), ms(c.latencyMs), note]);
  }
  return table.toString();
}
