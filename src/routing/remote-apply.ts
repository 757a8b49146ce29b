// Synchronous apply for chosen writes: the transaction sets `synchronous_commit = remote_apply` locally, so when
// it returns every synchronous standby already shows the write. Refuses clearly when no synchronous standby is
// configured or connected, instead of returning early (or hanging forever).

/** The primary's synchronous standby setting and how many such standbys stream now. */
export const SYNC_STANDBY_STATE = `
  SELECT current_setting('synchronous_standby_names') AS names,
         (SELECT count(*) FROM pg_stat_replication WHERE sync_state IN ('sync', 'quorum'))::int AS connected`;

/** Raised when remote_apply could not give its guarantee. */
export class NoSynchronousStandbyError extends Error {
  override readonly name = 'NoSynchronousStandbyError';
}

interface TxClient {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): Promise<number>;
}

interface TransactionalClient<Tx extends TxClient> {
  $queryRawUnsafe<T>(query: string): Promise<T>;
  $transaction<R>(fn: (tx: Tx) => Promise<R>): Promise<R>;
}

/**
 * Runs `fn` in a transaction on the primary that commits with `synchronous_commit = remote_apply`.
 * @example await withRemoteApply(rw.client, (tx) => tx.testReplication.create({ data: { data: 'x' } }));
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
        '(RWSPLIT_SYNC_STANDBYS=n for the local cluster) or drop remote apply for this write.',
    );
  }
  if (connected === 0) {
    throw new NoSynchronousStandbyError(
      `remote_apply was asked for, but none of the synchronous standbys (${names}) is connected: the commit would ` +
        'wait until one is. Bring a synchronous standby back first.',
    );
  }
  return client.$transaction(async (tx) => {
    await tx.$executeRaw`SET LOCAL synchronous_commit = remote_apply`;
    return fn(tx);
  });
}
