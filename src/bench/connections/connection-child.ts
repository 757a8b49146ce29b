// One application process of the connection bench (run-connection-children.ts starts N of them): its own
// rwsplit with the library's defaults (poolSize 10, checkIntervalMs [1000, 2000], idleTimeoutMs 10000) over the
// nodes in its spec. It runs the load uncounted for `warmupMs`, prints `ready`, waits for `start <ms>` on stdin, runs the
// load for that long (eventual reads outside any session at the spec's concurrency, and a read-your-writes session
// pair every `sessionEveryMs`), then prints its report and exits. Every count is kept only while the load runs.
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import { createRwsplit, type RwsplitEvent } from 'rwsplit';
import { PrismaClient } from '../../generated/prisma/client';
import { childMessageLine, type ChildReport } from './child-report';
import { childSpecFromEnv, type ChildSpec } from './child-spec';

/** `host:port` of a URL, as rwsplit names nodes in its events. */
export function nodeKey(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}`;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);

/** Resolves with the load's length in ms once the parent writes `start <ms>`; rejects if stdin closes first. */
function waitForStart(): Promise<number> {
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: process.stdin });
    lines.on('line', (line) => {
      const match = /^start (\d+)$/.exec(line.trim());
      if (match) {
        resolve(Number(match[1]));
        lines.close();
      }
    });
    lines.on('close', () => reject(new Error('The bench closed stdin before saying start.')));
  });
}

/** Runs one child: start rwsplit, say ready, wait for start, run the load, return the report. */
export async function runConnectionChild(spec: ChildSpec, say: (line: string) => void): Promise<ChildReport> {
  const names = new Map(spec.nodes.map((n) => [nodeKey(n.url), n.name]));
  const nameOf = (node: string) => names.get(node) ?? node;
  const checksByNode: Record<string, number> = {};
  const queriesByNode: Record<string, number> = {};
  let counting = false;
  const ejections: Record<string, number> = {};
  let fallbackReads = 0;
  const bump = (counts: Record<string, number>, key: string) => {
    counts[key] = (counts[key] ?? 0) + 1;
  };
  const onEvent = (e: RwsplitEvent) => {
    if (!counting) return;
    if (e.event === 'replica_checked') bump(checksByNode, nameOf(e.node));
    else if (e.event === 'query' && e.ok) bump(queriesByNode, nameOf(e.node));
    else if (e.event === 'primary_fallback_read') fallbackReads++;
    else if (e.event === 'replica_ejected') bump(ejections, e.reason);
  };
  const [primary, ...replicas] = spec.nodes;
  if (!primary) throw new Error('The spec names no node.');
  const rw = await createRwsplit({
    PrismaClient,
    primaryUrl: primary.url,
    replicaUrls: replicas.map((r) => r.url),
    onEvent,
  });
  /** Runs the load for `ms`: `concurrency` readers in a loop, and a session every `sessionEveryMs`. */
  const runLoad = async (ms: number) => {
    const tally = { latenciesMs: [] as number[], readErrors: 0, sessions: 0, sessionErrors: 0 };
    let firstError: string | null = null;
    const fail = (err: unknown) => {
      firstError ??= messageOf(err);
    };
    const end = performance.now() + ms;
    const reader = async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          await rw.client.testReplication.findMany({ take: 10, orderBy: { createdAt: 'desc' } });
          tally.latenciesMs.push(Math.round((performance.now() - t0) * 1000) / 1000);
        } catch (err) {
          tally.readErrors++;
          fail(err);
        }
      }
    };
    const session = async () => {
      try {
        const seen = await rw.session(async () => {
          const row = await rw.client.testReplication.create({ data: { data: spec.rowData } });
          return rw.client.testReplication.findUnique({ where: { id: row.id } });
        });
        if (seen === null) throw new Error('A read-your-writes read did not see its own write.');
        tally.sessions++;
      } catch (err) {
        tally.sessionErrors++;
        fail(err);
      }
    };
    const inFlight = new Set<Promise<void>>();
    const ticker = setInterval(() => {
      const p = session().finally(() => inFlight.delete(p));
      inFlight.add(p);
    }, spec.sessionEveryMs);
    await Promise.all(Array.from({ length: spec.concurrency }, reader));
    clearInterval(ticker);
    await Promise.all(inFlight);
    return { ...tally, firstError: firstError as string | null };
  };
  try {
    // The same load first, uncounted: Prisma's first queries and V8's optimising compilers (of Prisma's WebAssembly
    // query compiler too) are done before the measured window.
    await runLoad(spec.warmupMs);
    say(childMessageLine({ type: 'ready' }));
    const loadMs = await waitForStart();
    counting = true;
    const positionsBefore = rw.stats().positionQueries;
    const started = performance.now();
    const load = await runLoad(loadMs);
    const windowMs = performance.now() - started;
    counting = false;
    return {
      pid: process.pid,
      windowMs,
      reads: load.latenciesMs.length,
      readErrors: load.readErrors,
      readLatenciesMs: load.latenciesMs,
      sessions: load.sessions,
      sessionErrors: load.sessionErrors,
      firstError: load.firstError,
      checksByNode,
      positionQueries: rw.stats().positionQueries - positionsBefore,
      queriesByNode,
      fallbackReads,
      ejections,
    };
  } finally {
    await rw.close();
  }
}

if (require.main === module) {
  const say = (line: string) => process.stdout.write(line);
  runConnectionChild(childSpecFromEnv(), say).then(
    (report) => {
      process.stdout.write(childMessageLine({ type: 'report', report }), () => process.exit(0));
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
