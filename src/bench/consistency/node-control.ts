// What the fault scenario does to the local cluster's nodes, by node name, behind one interface: the restore
// ledger undoes through it too (also what a killed run left: a frozen standby, a stopped one).
import type { LocalCluster } from '../../cluster/local-cluster';
import { freezeServer, thawServer } from './server-processes';

export interface NodeControl {
  /** SIGSTOPs the node's server processes; returns their pids (to SIGCONT them synchronously at exit). */
  freeze(node: string): Promise<number[]>;
  /** SIGCONTs the node's server processes (harmless when it is not frozen). */
  thaw(node: string): Promise<void>;
  /** Stops the node at once (immediate shutdown: a crash as far as the node is concerned). */
  kill(node: string): Promise<void>;
  /** Starts the node (nothing when it runs). */
  start(node: string): Promise<void>;
  /** Waits until the primary lists every standby as streaming. */
  waitForStreaming(timeoutMs: number): Promise<void>;
}

export function localNodeControl(cluster: LocalCluster): NodeControl {
  return {
    freeze: (node) => freezeServer(cluster.node(node).dataDir),
    thaw: (node) => thawServer(cluster.node(node).dataDir),
    kill: (node) => cluster.stop(node, 'immediate'),
    start: (node) => cluster.start(node),
    waitForStreaming: (timeoutMs) => cluster.waitForStreaming(timeoutMs),
  };
}
