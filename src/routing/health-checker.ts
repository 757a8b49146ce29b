// Checks every replica on a randomised interval (so processes don't probe in lock-step), off the request path,
// and reports ejections and re-admissions as events.
import pg from 'pg';
import { WAL_INSERT_END_LSN } from '../replication/queries';
import type { EventListener } from './events';
import type { HostList } from './host-list';
import type { PrimaryTarget } from './primary-target';
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
  readonly #primary: PrimaryTarget;
  readonly #intervalMs: readonly [number, number];
  readonly #onEvent: EventListener;
  readonly #scheduler: Scheduler;
  readonly #primaryPool: pg.Pool;
  readonly #timers = new Map<ReplicaHost, unknown>();
  #primaryPoolUrl: string;
  #running = false;

  constructor(
    hosts: HostList,
    primary: PrimaryTarget,
    intervalMs: readonly [number, number],
    onEvent: EventListener,
    scheduler: Scheduler = realScheduler,
  ) {
    this.#hosts = hosts;
    this.#primary = primary;
    this.#intervalMs = intervalMs;
    this.#onEvent = onEvent;
    this.#scheduler = scheduler;
    this.#primaryPoolUrl = primary.current.url;
    this.#primaryPool = new pg.Pool({
      max: 1,
      connectionTimeoutMillis: 2000,
      idleTimeoutMillis: 10_000,
      Client: primary.clientClass(),
    });
    this.#primaryPool.on('error', () => undefined);
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

  /** One check of every host, in parallel (tests call this instead of sleeping through intervals). */
  async checkAll(): Promise<void> {
    const lsn = await this.primaryLsn();
    await Promise.all(this.#hosts.hosts.map((h) => this.#checkOne(h, lsn)));
  }

  /** The primary's WAL insert position, or null when the primary does not answer. */
  async primaryLsn(): Promise<string | null> {
    if (this.#primaryPoolUrl !== this.#primary.current.url) {
      // The primary moved: idle connections to the old one must not answer for the new one.
      this.#primaryPoolUrl = this.#primary.current.url;
      await this.#drainIdle();
    }
    try {
      const { rows } = await this.#primaryPool.query<{ lsn: string }>(WAL_INSERT_END_LSN);
      return rows[0]?.lsn ?? null;
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    this.stop();
    await this.#primaryPool.end().catch(() => undefined);
  }

  #schedule(host: ReplicaHost): void {
    if (!this.#running) return;
    const [min, max] = this.#intervalMs;
    const delay = min + Math.floor(this.#scheduler.random() * (max - min + 1));
    const handle = this.#scheduler.setTimeout(() => {
      void this.primaryLsn()
        .then((lsn) => this.#checkOne(host, lsn))
        .finally(() => this.#schedule(host));
    }, delay);
    handle.unref?.();
    this.#timers.set(host, handle);
  }

  async #checkOne(host: ReplicaHost, primaryLsn: string | null): Promise<void> {
    const limits = this.#hosts.limits;
    const wasEligible = host.isEligible(limits);
    const health = await host.check(primaryLsn, this.#scheduler.now());
    const reason = host.reason(limits);
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
      });
    } else if (!wasEligible && reason === null) {
      this.#onEvent({ event: 'replica_admitted', node: host.name });
    }
  }

  async #drainIdle(): Promise<void> {
    // pg.Pool has no "drop idle clients" call; connecting with a fresh pool per move would leak, so idle clients
    // are recycled by ending them through the pool's own release path.
    const idle = this.#primaryPool.idleCount;
    const clients = await Promise.all(
      Array.from({ length: idle }, () => this.#primaryPool.connect().catch(() => null)),
    );
    for (const c of clients) c?.release(true);
  }
}
