// Where writes go. The primary's PrismaClient runs over a pg Pool whose connections are made by
// `FollowingClient`, which reads the current primary's address at connect time. After failover discovery moves
// the target, every new connection (model writes, raw SQL, transactions alike) reaches the new primary.
import pg from 'pg';
import type { NodeAddress } from '../postgres/node-address';

export class PrimaryTarget {
  #current: NodeAddress;
  readonly #listeners: ((address: NodeAddress) => void)[] = [];

  constructor(initial: NodeAddress) {
    this.#current = initial;
  }

  get current(): NodeAddress {
    return this.#current;
  }

  moveTo(address: NodeAddress): void {
    this.#current = address;
    for (const listener of this.#listeners) listener(address);
  }

  /** Calls `listener` after each move (e.g. to drop pooled connections to the old primary). */
  onMove(listener: (address: NodeAddress) => void): void {
    this.#listeners.push(listener);
  }

  /** A pg.Client class for a Pool's `Client` option: each new connection goes to the current primary. */
  clientClass(): typeof pg.Client {
    const current = () => this.#current;
    return class FollowingClient extends pg.Client {
      constructor(config?: string | pg.ClientConfig) {
        const base: pg.ClientConfig = typeof config === 'string' ? { connectionString: config } : { ...config };
        // connectionString would win over host/port, so the current target's URL replaces it.
        super({ ...base, connectionString: current().url });
      }
    };
  }
}
