// Raw SQL judged by PostgreSQL's own parser: a corpus of real statements, the read-only ones and why each other one
// must run on the primary.
import { ReadOnlySql } from '../../src/sql/read-only-sql';

const sql = new ReadOnlySql();

test.each([
  ['SELECT 1'],
  ['select id, email from rwtest_user where id = $1'],
  ['SELECT u.id, count(p.id) FROM rwtest_user u LEFT JOIN rwtest_post p ON p."authorId" = u.id GROUP BY u.id'],
  ['WITH recent AS (SELECT * FROM rwtest_post ORDER BY id DESC LIMIT 10) SELECT * FROM recent'],
  ['SELECT * FROM rwtest_user WHERE id IN (SELECT "authorId" FROM rwtest_post)'],
  ['VALUES (1, 2), (3, 4)'],
  ['SHOW transaction_read_only'],
  ['EXPLAIN SELECT * FROM rwtest_user'],
  ['SELECT inet_server_port(), pg_is_in_recovery(), pg_last_wal_replay_lsn()'],
  ['SELECT pg_sleep(0.1)'],
  ['SELECT now(), current_setting($1)'],
  ['SELECT 1; SELECT 2'],
  ["SELECT 'nextval(''s'')' AS not_a_call, 'DELETE FROM x' AS text"],
  ['SELECT * FROM rwtest_user -- FOR UPDATE'],
])('read-only: %s', async (text) => {
  expect(await sql.verdict(text)).toEqual({ readOnly: true });
});

test.each([
  ['INSERT INTO rwtest_user (email) VALUES ($1)', /it writes \(INSERT\)/],
  ['UPDATE rwtest_user SET name = $1', /it writes \(UPDATE\)/],
  ['DELETE FROM rwtest_user', /it writes \(DELETE\)/],
  ['MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE', /it writes \(MERGE\)/],
  ['WITH gone AS (DELETE FROM rwtest_post RETURNING id) SELECT count(*) FROM gone', /DELETE in a WITH clause/],
  ['WITH n AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM n', /INSERT in a WITH clause/],
  ['EXPLAIN ANALYZE UPDATE rwtest_user SET name = name', /it writes \(UPDATE/],
  ['SELECT * FROM rwtest_user WHERE id = $1 FOR UPDATE', /row locks \(FOR UPDATE\)/],
  ['SELECT * FROM rwtest_user FOR SHARE SKIP LOCKED', /row locks \(FOR SHARE\)/],
  ['SELECT * FROM (SELECT * FROM rwtest_user FOR NO KEY UPDATE) x', /row locks \(FOR NO KEY UPDATE\)/],
  ['SELECT * INTO backup FROM rwtest_user', /creates a table \(SELECT INTO\)/],
  ["SELECT nextval('rwtest_user_id_seq')", /calls nextval\(\)/],
  ["SELECT pg_catalog.setval('s', 1)", /calls setval\(\)/],
  ['SELECT id FROM rwtest_user WHERE pg_try_advisory_lock(id)', /calls pg_try_advisory_lock\(\)/],
  ["SELECT pg_notify('c', 'x')", /calls pg_notify\(\)/],
  ['SELECT txid_current()', /calls txid_current\(\)/],
  ['SELECT 1; DELETE FROM rwtest_user', /it writes \(DELETE\)/],
  ['CREATE TABLE t (id int)', /it is a Create statement/],
  ['COPY rwtest_user TO STDOUT', /it is a Copy statement/],
  ["SET statement_timeout = '1s'", /it is a VariableSet statement/],
  ['DO $$ BEGIN PERFORM 1; END $$', /it is a Do statement/],
  ['CALL do_something()', /it is a Call statement/],
  ['BEGIN', /it is a Transaction statement/],
  ['SELEC 1', /PostgreSQL's parser could not read it \(syntax error at or near "SELEC"\)/],
  ['', /could not read it \(Query cannot be empty\)/],
  ['-- only a comment', /it holds no statement/],
])('not read-only: %s', async (text, reason) => {
  const verdict = await sql.verdict(text);
  expect(verdict.readOnly).toBe(false);
  expect(verdict.readOnly ? '' : verdict.reason).toMatch(reason);
});

test('a verdict is cached per SQL text', async () => {
  const cache = new ReadOnlySql();
  const first = await cache.verdict('SELECT 42');
  expect(await cache.verdict('SELECT 42')).toBe(first);
});
