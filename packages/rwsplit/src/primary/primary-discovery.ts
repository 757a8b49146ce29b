// Failover discovery: when a write hits a connection error or a read-only-transaction error, probe every
// configured node for the one with pg_is_in_recovery() = false and send writes there. Two servers claiming to be
// primary is split brain: writes are refused until only one does (one server under two names is one primary).
import { NoPrimaryError, SplitBrainError } from '../errors';
import type { EventListener } from '../events';
import type { NodeAddress } from '../postgres/node-address';
import { SERVER_ROLE_AND_IDENTITY } from '../postgres/queries';
import { queryOnce } from '../postgres/query-once';
import type { PrimaryTarget } from './primary-target';

export class PrimaryDiscovery {
  readonly #nodes: () => readonly NodeAddress[];
  readonly #target: PrimaryTarget;
  readonly #onEvent: EventListener;
  readonly #probeTimeoutMs: number;
  readonly #beforeProbe: () => Promise<unknown>;
  #splitBrain: readonly string[] | null = null;
  #inFlight: Promise<NodeAddress> | null = null;

  /**
   * @param nodes every node to probe, asked anew at each probe (a topology source may change them).
   * @param probeTimeoutMs connect and query timeout of each node's probe, in ms. Default 2000.
   * @param beforeProbe runs first, e.g. re-reading the topology source; its failure does not stop the probe.
   */
  constructor(
    nodes: () => readonly NodeAddress[],
    target: PrimaryTarget,
    onEvent: EventListener,
    probeTimeoutMs = 2000,
    beforeProbe: () => Promise<unknown> = async () => undefined,
  ) {
    this.#beforeProbe = beforeProbe;
    this.#nodes = nodes;
    this.#target = target;
    this.#onEvent = onEvent;
    this.#probeTimeoutMs = probeTimeoutMs;
  }

  /** Nodes that claimed to be primary at the last probe, when more than one did. */
  get splitBrain(): readonly string[] | null {
    return this.#splitBrain;
  }

  /** Probes every node once (concurrent callers share one probe) and moves the write target. */
  discover(): Promise<NodeAddress> {
    this.#inFlight ??= this.#probe().finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  async #probe(): Promise<NodeAddress> {
    await this.#beforeProbe().catch(() => undefined);
    const nodes = this.#nodes();
    const answers = await Promise.all(
      nodes.map(async (node) => {
        try {
          // Connect and answer are both bounded: a node that hangs must not hang the write waiting on discovery.
          const rows = await queryOnce<{ in_recovery: boolean; identity: string }>(
            node.url,
            SERVER_ROLE_AND_IDENTITY,
            [],
            this.#probeTimeoutMs,
            this.#probeTimeoutMs,
          );
          return { node, primary: rows[0]?.in_recovery === false, identity: rows[0]?.identity ?? node.url };
        } catch {
          return { node, primary: false, identity: node.url };
        }
      }),
    );
    // One server reached under two names (localhost and 127.0.0.1) counts once: the first name configured wins.
    const primaries: NodeAddress[] = [];
    const seen = new Set<string>();
    for (const answer of answers) {
      if (!answer.primary || seen.has(answer.identity)) continue;
      seen.add(answer.identity);
      primaries.push(answer.node);
    }
    if (primaries.length > 1) {
      this.#splitBrain = primaries.map((p) => p.name);
      this.#onEvent({ event: 'split_brain', nodes: [...this.#splitBrain] });
      throw new SplitBrainError(this.#splitBrain);
    }
    this.#splitBrain = null;
    const found = primaries[0];
    if (!found) {
      this.#onEvent({ event: 'no_primary', nodes: nodes.map((n) => n.name) });
      throw new NoPrimaryError(
        `No primary found among ${nodes.map((n) => n.name).join(', ')}: every node is down or in recovery. ` +
          'Promote a standby (or wait for your HA manager to) and retry.',
      );
    }
    const previous = this.#target.current;
    if (found.url !== previous.url) {
      this.#target.moveTo(found);
      this.#onEvent({ event: 'primary_changed', from: previous.name, to: found.name });
    }
    this.#onEvent({ event: 'primary_discovered', node: found.name });
    return found;
  }
}
