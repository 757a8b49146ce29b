// The facts about a bench run's machine and servers, and the names the report gives the nodes.
import os from 'node:os';
import { type Config, maskUrl } from '../../config';
import { queryOnce } from '../../db/pg-client';
import { configuredNodes, describeAddress, nodeForAddress } from '../../replication/configured-nodes';
import { SERVER_VERSION } from '../../replication/queries';
import type { NodeReads } from '../report/report-data';

/** The machine and servers a bench ran on. */
export interface BenchEnvironment {
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpus: number;
  readonly cpuModel: string;
  /** server_version of the primary. */
  readonly postgres: string;
  /** The primary's URL, password masked. */
  readonly primary: string;
  readonly replicas: number;
  /** Rows in test_replication when the measurement started. */
  readonly tableRows: number;
  /** True for the project's own local cluster (all nodes on this machine). */
  readonly localCluster: boolean;
}

export async function benchEnvironment(config: Config, tableRows: number): Promise<BenchEnvironment> {
  const [row] = await queryOnce<{ version: string }>(config.primaryUrl, SERVER_VERSION);
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    postgres: row?.version ?? 'unknown',
    primary: maskUrl(config.primaryUrl),
    replicas: config.replicaUrls.length,
    tableRows,
    localCluster: config.usesLocalCluster,
  };
}

/** The environment as report rows (machine and servers; callers add their run's own rows after these). */
export function environmentRows(e: BenchEnvironment): Record<string, string | number | boolean> {
  return {
    node: e.node,
    platform: `${e.platform} ${e.arch}`,
    cpus: `${e.cpus} × ${e.cpuModel}`,
    postgres: e.postgres,
    primary: e.primary,
    replicas: e.replicas,
    'local cluster': e.localCluster,
  };
}

/**
 * Reads per node with the configuration's names: the router's events name nodes `host:port`, the lag series
 * `standby1`, so each node reads `standby1 (127.0.0.1:15433)`. Configured nodes come first, in order.
 */
export function namedReads(config: Config, counts: ReadonlyMap<string, number>): NodeReads[] {
  const known = configuredNodes(config);
  const order = (address: string) => {
    const node = nodeForAddress(known, address);
    return node ? known.indexOf(node) : known.length;
  };
  return [...counts.entries()]
    .sort(([a], [b]) => order(a) - order(b))
    .map(([address, reads]) => ({ node: describeAddress(known, address), reads }));
}
