// What the parent tells each child process (connection-child.ts): the nodes to reach and the load to run. It
// travels in an environment variable, so the URLs' password never shows in a process listing.

/** One node as the child reaches it: its name in the bench's tables, and the URL (PostgreSQL's or PgBouncer's). */
export interface ChildNode {
  readonly name: string;
  readonly url: string;
}

export interface ChildSpec {
  /** The primary first, then the replicas. */
  readonly nodes: readonly ChildNode[];
  /** Eventual reads in flight at once, outside any session. */
  readonly concurrency: number;
  /** A read-your-writes session pair starts this often, in ms. */
  readonly sessionEveryMs: number;
  /** How long the load runs uncounted before the child says ready, in ms. */
  readonly warmupMs: number;
  /** The `data` of every row the child creates, so the parent can delete them after the run. */
  readonly rowData: string;
}

/** The environment variable holding the spec as JSON. */
export const CHILD_SPEC_ENV = 'RWSPLIT_BENCH_CONNECTIONS_SPEC';

/** The spec from the environment; throws saying what is missing when this file was not started by the bench. */
export function childSpecFromEnv(env: NodeJS.ProcessEnv = process.env): ChildSpec {
  const text = env[CHILD_SPEC_ENV];
  if (text === undefined) {
    throw new Error(
      `${CHILD_SPEC_ENV} is not set: connection-child.ts is started by \`npm run bench:connections\`, not by hand.`,
    );
  }
  try {
    return JSON.parse(text) as ChildSpec;
  } catch (cause) {
    throw new Error(`${CHILD_SPEC_ENV} is not valid JSON.`, { cause });
  }
}
