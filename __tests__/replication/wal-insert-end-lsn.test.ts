// The LSN to wait for after a commit must be one a standby can reach without further WAL.
import { loadConfig } from '../../src/config';
import { queryOnce } from '../../src/db/pg-client';
import { compareLsn } from 'rwsplit';
import { CURRENT_WAL_INSERT_LSN, END_OF_LAST_RECORD_AT, WAL_INSERT_END_LSN } from '../../src/replication/queries';

const config = loadConfig();

const endOf = async (lsn: string) =>
  (await queryOnce<{ lsn: string }>(config.primaryUrl, END_OF_LAST_RECORD_AT, [lsn]))[0]!.lsn;

test.each([
  // Just past a page header: the last record ended on the page boundary.
  ['0/2190018', '0/2190000'],
  ['1/2018', '1/2000'],
  ['1/28', '1/0'],
  // Just past a segment's long header (16 MB segments).
  ['0/1000028', '0/1000000'],
  ['0/3000028', '0/3000000'],
  // Anywhere else it is already the end of a record.
  ['0/2190020', '0/2190020'],
  ['0/2190000', '0/2190000'],
  // Inside a segment's long header no record can end: left alone.
  ['0/1000018', '0/1000018'],
  ['0/0', '0/0'],
])('%s → %s', async (insert, end) => {
  expect(await endOf(insert)).toBe(end);
});

test('on the live primary it is at most the insert position, and at most a page header behind it', async () => {
  const [end] = await queryOnce<{ lsn: string }>(config.primaryUrl, WAL_INSERT_END_LSN);
  const [insert] = await queryOnce<{ lsn: string }>(config.primaryUrl, CURRENT_WAL_INSERT_LSN);
  expect(compareLsn(end!.lsn, insert!.lsn)).toBeLessThanOrEqual(0);
  expect(await endOf(end!.lsn)).toBe(end!.lsn);
});
