// How many synchronous standbys a commit waits for, read from synchronous_standby_names as PostgreSQL parses it.
import { requiredSyncStandbys } from '../../src';

test.each([
  ['', 0],
  ['standby1', 1],
  ['standby1, standby2', 1],
  ['*', 1],
  ['2 (standby1, standby2)', 2],
  ['FIRST 2 (standby1, standby2, standby3)', 2],
  ['ANY 2 (standby1, standby2)', 2],
  ['any 3 ("s1", "s2", "s3")', 3],
])('synchronous_standby_names %j requires %i standby(s)', (names, required) => {
  expect(requiredSyncStandbys(names)).toBe(required);
});
