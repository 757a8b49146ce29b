// Synchronous apply for chosen writes: the transaction sets `synchronous_commit = remote_apply` locally, so when
// it returns the standbys the commit waited for already show the write (all of the required synchronous standbys
// under FIRST n; under ANY n only a quorum of n of them). Refuses clearly when no synchronous standby is
// configured, or fewer are connected than the setting requires, instead of returning early (or hanging).
import { NoSynchronousStandbyError } from '../errors';
import { SYNC_STANDBY_STATE } from '../postgres/queries';

/** `FIRST n (…)`, `ANY n (…)` or `n (…)`: the number of standbys a commit waits for. */
const NUMBERED_SYNC_NAMES = /^\s*(?:(?:FIRST|ANY)\s+)?(\d+)\s*\(/i;

/**
 * How many synchronous standbys a commit waits for under `synchronous_standby_names`: n for `FIRST n (…)`,
 * `ANY n (…)` and `n (…)`; 1 for a plain list (or `*`); 0 when the setting is empty.
 */
export function requiredSyncStandbys(names: string): number {
  if (!names.trim()) return 0;
  const numbered = NUMBERED_SYNC_NAMES.exec(names);
  return numbered ? Number(numbered[1]) : 1;
}

interface TxClient {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): Promise<number>;
}

interface TransactionalClient<Tx extends TxClient> {
  $queryRawUnsafe<T>(query: string): Promise<T>;
  $transaction<R>(fn: (tx: Tx) => Promise<R>): Promise<R>;
}

/**
 * Runs `fn` in a transaction on the primary that commits with `synchronous_commit = remote_apply`. When it
 * returns, the synchronous standbys the commit waited for have applied it: every required one under `FIRST n`,
 * only a quorum of n under `ANY n` (the others may still lag). A required standby that is connected but not
 * replaying (e.g. replay paused) makes the commit wait until it replays.
 * @throws NoSynchronousStandbyError when no synchronous standby is configured, or fewer are connected than required.
 * @example await withRemoteApply(rw.client, (tx) => tx.post.create({ data: { title: 'x', authorId: 1 } }));
 */
export async function withRemoteApply<Tx extends TxClient, R>(
  client: TransactionalClient<Tx>,
  fn: (tx: Tx) => Promise<R>,
): Promise<R> {
  // A constant with no parameters: nothing reaches the SQL text from outside.
  const state = await client.$queryRawUnsafe<{ names: string; connected: number }[]>(SYNC_STANDBY_STATE);
  const { names, connected } = state[0] ?? { names: '', connected: 0 };
  if (!names.trim()) {
    throw new NoSynchronousStandbyError(
      'remote_apply was asked for, but the primary names no synchronous standby (synchronous_standby_names is empty), ' +
        'so the commit would return before any standby applied it. Set synchronous_standby_names ' +
        'on the primary (e.g. ANY 1 (*)) and reload it, or drop remote apply for this write.',
    );
  }
  const required = requiredSyncStandbys(names);
  if (connected < required) {
    throw new NoSynchronousStandbyError(
      `remote_apply was asked for, but synchronous_standby_names = '${names}' needs ${required} synchronous ` +
        `standby(s) and only ${connected} is/are connected: the commit would wait until enough are. Bring a ` +
        'synchronous standby back first, or lower the number the setting asks for.',
    );
  }
  return client.$transaction(async (tx) => {
    await tx.$executeRaw`SET LOCAL synchronous_commit = remote_apply`;
    return fn(tx);
  });
}
