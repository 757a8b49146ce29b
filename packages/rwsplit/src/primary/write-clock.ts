// A process-wide count of writes that have returned. A primary position fetched after tick n was sent after
// every write up to n had returned, so it covers them: sessions compare ticks instead of asking the primary again.

export class WriteClock {
  #tick = 0;

  /** Called when a write has returned; the tick the writer's session must be covered by. */
  tick(): number {
    return ++this.#tick;
  }

  /** The latest tick: a position fetched from now on covers every write returned so far. */
  get now(): number {
    return this.#tick;
  }
}
