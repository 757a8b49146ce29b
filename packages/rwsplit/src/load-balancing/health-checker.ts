// Checks every replica on a randomised interval (so processes don't probe in lock-step), off the request path,
// and reports ejections and re-admissions as events.
import type { EventListener } from '../events';
import type { PrimaryPosition } from '../primary/primary-position';
import type { HostList } from './host-list';
import type { ReplicaHost } from './replica-host';

/** Timers and randomness, injectable for tests. */
export interface Scheduler {
  setTimeout(fn: () => void, ms: number): { unref?: () => void };
  clearTimeout(handle: unknown): void;
  now(): number;
  random(): number;
}

export const realScheduler: Scheduler = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => Date.now(),
  random: Math.random,
};

export class HealthChecker {
  readonly #hosts: HostList;
  readonly #position: PrimaryPosition;
  readonly #intervalMs: readonly [number, number];
  readonly #onEvent: EventListener;
  readonly #scheduler: Scheduler;
  readonly #timers = new Map<ReplicaHost, unknown>();
  /** Hosts whose last check found a primary (warned about once until they are seen in recovery again). */
  readonly #warnedPrimary = new Set<ReplicaHost>();
  #running = false;

  constructor(
    hosts: HostList,
    position: PrimaryPosition,
    intervalMs: readonly [number, number],
    onEvent: EventListener,
    scheduler: Scheduler = realScheduler,
  ) {
    this.#hosts = hosts;
    this.#position = position;
    this.#intervalMs = intervalMs;
    this.#onEvent = onEvent;
    this.#scheduler = scheduler;
  }

  /** The delay before a host's next check: uniform in [min, max] ms (integers), from the scheduler's random(). */
  nextDelayMs(): number {
    const [min, max] = this.#intervalMs;
    return min + Math.min(max - min, Math.floor(this.#scheduler.random() * (max - min + 1)));
  }

  /** Checks every host once now, then keeps checking each at a random interval in [min, max]. */
  async start(): Promise<void> {
    this.#running = true;
    await this.checkAll();
    for (const host of this.#hosts.hosts) this.#schedule(host);
  }

  stop(): void {
    this.#running = false;
    for (const handle of this.#timers.values()) this.#scheduler.clearTimeout(handle);
    this.#timers.clear();
  }

  /** Starts checking a host added while running: once now, then on its own random interval. */
  watch(host: ReplicaHost): Promise<void> {
    const first = this.#position
      .tryLsn()
      .then((lsn) => this.#checkOne(host, lsn))
      .catch(() => undefined);
    if (this.#running) void first.finally(() => this.#schedule(host));
    return first;
  }

  /** Stops checking a host that was removed. */
  unwatch(host: ReplicaHost): void {
    const handle = this.#timers.get(host);
    if (handle !== undefined) this.#scheduler.clearTimeout(handle);
    this.#timers.delete(host);
    this.#warnedPrimary.delete(host);
  }

  /** One check of every host, in parallel (tests call this instead of sleeping through intervals). */
  async checkAll(): Promise<void> {
    const lsn = await this.#position.tryLsn();
    await Promise.all(this.#hosts.hosts.map((h) => this.#checkOne(h, lsn)));
  }

  async close(): Promise<void> {
    this.stop();
  }

  #schedule(host: ReplicaHost): void {
    if (!this.#running || !this.#hosts.hosts.includes(host)) return;
    const handle = this.#scheduler.setTimeout(() => {
      // Every query here is bounded (connect and query timeouts), so the next check is always scheduled, and a
      // failing check (or a throwing listener) never stops the checks.
      void this.#position
        .tryLsn()
        .then((lsn) => this.#checkOne(host, lsn))
        .catch(() => undefined)
        .finally(() => this.#schedule(host));
    }, this.nextDelayMs());
    handle.unref?.();
    this.#timers.set(host, handle);
  }

  async #checkOne(host: ReplicaHost, primaryLsn: string | null): Promise<void> {
    const wasEligible = host.isEligible();
    const health = await host.check(primaryLsn, this.#scheduler.now());
    const reason = host.reason();
    this.#onEvent({
      event: 'replica_checked',
      node: host.name,
      reachable: health.reachable,
      inRecovery: health.inRecovery,
      eligible: reason === null,
      lagMs: health.lagMs,
      lagBytes: health.lagBytes,
      replayLsn: health.replayLsn,
    });
    if (wasEligible && reason !== null) {
      this.#onEvent({
        event: 'replica_ejected',
        node: host.name,
        reason,
        lagMs: health.lagMs,
        lagBytes: health.lagBytes,
        detail: host.whyOut(),
      });
    } else if (!wasEligible && reason === null) {
      this.#onEvent({ event: 'replica_admitted', node: host.name });
    }
    if (health.reachable && !health.inRecovery) {
      if (!this.#warnedPrimary.has(host)) {
        this.#warnedPrimary.add(host);
        this.#onEvent({ event: 'replica_is_primary', node: host.name });
      }
    } else if (health.reachable) {
      this.#warnedPrimary.delete(host);
    }
  }
}
