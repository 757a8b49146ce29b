// Patroni's own leader-change time, measured beside the router: plain pg connections to every member but the old
// leader, each asked every 50 ms to commit a transactional WAL message (pg_logical_emit_message), until one of them
// answers. It needs a writable primary (a standby refuses to assign a transaction id), and its commit is a real one
// that leaves no row: in synchronous mode it waits for the sync standby, as an application's write does (a bare
// `txid_current()` writes no WAL, so its commit waits for nobody, and strict mode's new leader would look writable
// seconds before it is). Nothing of rwsplit is involved.
import { performance } from 'node:perf_hooks';
import pg from 'pg';

export interface ProbeTarget {
  /** Patroni's member name. */
  readonly name: string;
  /** The app user's URL on the member. */
  readonly url: string;
}

export interface WritableAt {
  readonly name: string;
  /** performance.now() when the member first accepted a write. */
  readonly at: number;
}

export interface WritableLeaderProbe {
  /** Resolves when a target accepts a write (never rejects; stop() resolves it with null). */
  readonly writable: Promise<WritableAt | null>;
  stop(): Promise<void>;
}

/** Bounds of each probe: a member that is shutting down must cost one poll, not the measurement. */
const PROBE_TIMEOUT_MS = 500;

/** Starts polling `targets` every `everyMs` (default 50). */
export function probeWritableLeader(targets: readonly ProbeTarget[], everyMs = 50): WritableLeaderProbe {
  const clients = new Map<string, pg.Client>();
  let stopped = false;
  let resolve: (value: WritableAt | null) => void = () => undefined;
  const writable = new Promise<WritableAt | null>((r) => (resolve = r));

  const client = async (target: ProbeTarget): Promise<pg.Client> => {
    const existing = clients.get(target.name);
    if (existing) return existing;
    const c = new pg.Client({
      connectionString: target.url,
      connectionTimeoutMillis: PROBE_TIMEOUT_MS,
      query_timeout: PROBE_TIMEOUT_MS,
    });
    c.on('error', () => undefined);
    await c.connect();
    clients.set(target.name, c);
    return c;
  };
  const drop = (name: string) => {
    void clients
      .get(name)
      ?.end()
      .catch(() => undefined);
    clients.delete(name);
  };
  const tryOne = async (target: ProbeTarget): Promise<boolean> => {
    try {
      await (await client(target)).query("select pg_logical_emit_message(true, 'rwsplit-bench-ha-probe', '')");
      return true;
    } catch (err) {
      // A standby's refusal keeps the connection (it is fine); a broken connection is made again next poll.
      if (!(err instanceof Error && /recovery/i.test(err.message))) drop(target.name);
      return false;
    }
  };

  const loop = async () => {
    while (!stopped) {
      const next = performance.now() + everyMs;
      const answers = await Promise.all(targets.map(async (t) => ({ t, ok: await tryOne(t) })));
      const first = answers.find((a) => a.ok);
      if (first) {
        resolve({ name: first.t.name, at: performance.now() });
        return;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    }
  };
  const running = loop();

  return {
    writable,
    async stop() {
      stopped = true;
      await running;
      resolve(null);
      await Promise.all([...clients.values()].map((c) => c.end().catch(() => undefined)));
      clients.clear();
    },
  };
}
