// How rwsplit reads a driver's error: whether the statement may have reached a server (a write's outcome unknown),
// whether it surely did not (safe to run elsewhere), a recovery conflict, and the driver's own words, passwords
// masked. The error shapes are those pg, @prisma/adapter-pg (originalCode / originalMessage) and PgBouncer produce.
import { driverMessage, isConnectionError, isRecoveryConflict, neverSent } from '../../src/postgres/connection-errors';
import { maskSecrets } from '../../src/postgres/postgres-url';

/** What @prisma/adapter-pg throws for a server error: the server's code and message kept apart. */
const adapterError = (originalCode: string, originalMessage: string) =>
  Object.assign(new Error('DriverAdapterError'), { cause: { kind: 'postgres', originalCode, originalMessage } });

test.each([
  ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
  ["pg-pool's connect timeout", new Error('timeout exceeded when trying to connect')],
  ["pg's connect timeout", new Error('Connection terminated due to connection timeout')],
  ['PgBouncer: the query waited for a dead server', adapterError('08P01', 'query_wait_timeout')],
  [
    'PgBouncer: logins keep failing',
    adapterError('08P01', 'server login has been failing, try again later (server_login_retry)'),
  ],
  ['PgBouncer: no room', new Error('no more connections allowed (max_client_conn)')],
])('never sent, and a connection error: %s', (_what, err) => {
  expect(neverSent(err)).toBe(true);
  expect(isConnectionError(err)).toBe(true);
});

test.each([
  ['a connection cut mid-statement', new Error('Connection terminated unexpectedly')],
  ['a backend terminated', adapterError('57P01', 'terminating connection due to administrator command')],
  ['PgBouncer lost the server mid-statement', adapterError('08P01', 'server conn crashed?')],
])('a connection error that may have reached the server: %s', (_what, err) => {
  expect(isConnectionError(err)).toBe(true);
  expect(neverSent(err)).toBe(false);
});

test('a recovery conflict is recognised from the server message, wherever the adapter keeps it', () => {
  expect(isRecoveryConflict(adapterError('40001', 'canceling statement due to conflict with recovery'))).toBe(true);
  expect(isRecoveryConflict(new Error('terminating connection due to conflict with recovery'))).toBe(true);
  expect(isRecoveryConflict(adapterError('40001', 'could not serialize access due to concurrent update'))).toBe(false);
});

test('driverMessage gives the innermost words, and maskSecrets hides passwords in them', () => {
  expect(driverMessage(adapterError('08P01', 'unsupported startup parameter: options'))).toBe(
    'unsupported startup parameter: options',
  );
  expect(driverMessage(new Error('outer', { cause: new Error('inner') }))).toBe('inner');
  expect(maskSecrets('could not reach postgresql://app:s3cret@db:5432/app (password=s3cret host=db)')).toBe(
    'could not reach postgresql://app:***@db:5432/app (password=*** host=db)',
  );
});
