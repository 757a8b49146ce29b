// pgbench's summary and per-transaction log, as Debian's pgbench 15 prints them.
import { parsePgbenchLog, parsePgbenchSummary } from '../../../src/bench/baseline/parse-pgbench';
import { scriptText } from '../../../src/bench/baseline/run-pgbench';

const SUMMARY = `pgbench (15.18 (Debian 15.18-0+deb12u1), server 17.10)
transaction type: s.sql
scaling factor: 1
query mode: extended
number of clients: 4
number of threads: 2
maximum number of tries: 1
duration: 1 s
number of transactions actually processed: 37652
number of failed transactions: 3 (0.008%)
latency average = 0.104 ms
initial connection time = 18.315 ms
tps = 38296.024240 (without initial connection time)
statement latencies in milliseconds and failures:
         0.092           0  SELECT id, data, created_at FROM test_replication ORDER BY created_at DESC LIMIT 10;
`;

test('summary figures', () => {
  expect(parsePgbenchSummary(SUMMARY)).toEqual({
    transactions: 37652,
    failed: 3,
    latencyAvgMs: 0.104,
    tps: 38296.02424,
  });
  expect(parsePgbenchSummary(SUMMARY.replace(/number of failed.*\n/, '')).failed).toBe(0);
  expect(() => parsePgbenchSummary('pgbench: error: connection refused')).toThrow(
    /no transaction count.*connection refused/s,
  );
});

test('log lines: the third field is the latency in microseconds; failed transactions are left out', () => {
  const log = '0 1 73 0 1795626348 295213\n1 1 1462 0 1795626348 296239\n2 3 failed 0 1795626348 296414\n\n';
  expect(parsePgbenchLog(log)).toEqual([0.073, 1.462]);
});

test('script text ends each SQL command with a semicolon', () => {
  expect(scriptText('SELECT 1')).toBe('SELECT 1;\n');
  expect(scriptText('SELECT 1;  \n')).toBe('SELECT 1;\n');
  expect(scriptText('SELECT :id;\n\\sleep 1 ms')).toBe('SELECT :id;\n\\sleep 1 ms\n');
});
