// The monitor's screen is a pure function of a snapshot.
import type { MonitorSnapshot } from '../../src/monitor/monitor-snapshot';
import { formatBytes, formatMs, renderMonitor } from '../../src/monitor/render-monitor';

const snapshot: MonitorSnapshot = {
  at: '2026-11-25T17:00:00.000Z',
  intervalMs: 1000,
  primary: 'primary',
  walBytesPerSec: 3 * 1024 * 1024,
  readsSource: null,
  readsUrl: null,
  readsError: null,
  otherReads: [],
  limits: { maxLagMs: 1000, maxLagBytes: 1048576 },
  nodes: [
    {
      name: 'primary',
      address: '127.0.0.1:55620',
      role: 'primary',
      state: 'read-write',
      lsn: '0/5000060',
      lagBytes: null,
      lagMs: null,
      eligible: null,
      ineligibleReason: null,
      reads: null,
      readsPerSec: null,
      serverTransactions: 4,
      serverTransactionsPerSec: 4,
      error: null,
    },
    {
      name: 'standby1',
      address: '127.0.0.1:55621',
      role: 'standby',
      state: 'streaming',
      lsn: '0/4FFF000',
      lagBytes: 4192,
      lagMs: 12,
      eligible: true,
      ineligibleReason: null,
      reads: null,
      readsPerSec: null,
      serverTransactions: 250,
      serverTransactionsPerSec: 250,
      error: null,
    },
    {
      name: 'standby2',
      address: '127.0.0.1:55622',
      role: 'down',
      state: 'down',
      lsn: null,
      lagBytes: null,
      lagMs: null,
      eligible: false,
      ineligibleReason: 'unreachable',
      reads: null,
      readsPerSec: null,
      serverTransactions: null,
      serverTransactionsPerSec: null,
      error: 'connect ECONNREFUSED 127.0.0.1:55622',
    },
  ],
};

const row = (screen: string, node: string) =>
  screen
    .split('\n')
    .find((l) => l.startsWith(`│ ${node} `))!
    .split('│')
    .map((c) => c.trim())
    .filter(Boolean);

const head = (screen: string) => row(screen, 'node');

test('one row per node with address, role, state, LSN, lag, eligibility and server transactions', () => {
  const screen = renderMonitor(snapshot, { footer: 'Ctrl-C to quit' });
  // No read source: the last columns say honestly what they count.
  expect(head(screen).slice(-2)).toEqual(['xacts', 'xacts/s']);
  expect(row(screen, 'primary')).toEqual([
    'primary',
    '127.0.0.1:55620',
    'primary',
    'read-write',
    '0/5000060',
    '-',
    '-',
    '-',
    '4',
    '4.0',
  ]);
  expect(row(screen, 'standby1')).toEqual([
    'standby1',
    '127.0.0.1:55621',
    'standby',
    'streaming',
    '0/4FFF000',
    '4.1 KiB',
    '12 ms',
    'yes',
    '250',
    '250.0',
  ]);
  expect(row(screen, 'standby2')).toEqual([
    'standby2',
    '127.0.0.1:55622',
    'down',
    'down',
    '-',
    '-',
    '-',
    'no (unreachable)',
    '-',
    '-',
  ]);
  expect(screen).toContain('standby2: connect ECONNREFUSED 127.0.0.1:55622');
  expect(screen).toContain('WAL rate: 3.0 MiB/s');
  expect(screen).toContain('lag <= 1.0 s or <= 1.0 MiB');
  expect(screen).toMatch(/xacts: transactions committed on each server .*pg_stat_database\.xact_commit delta/);
  expect(screen).toContain('--metrics-url');
  expect(screen.split('\n').at(-1)).toBe('Ctrl-C to quit');
});

test('with a read source the last columns are routed reads, and the header says where they come from', () => {
  const withReads: MonitorSnapshot = {
    ...snapshot,
    readsSource: 'metrics-scrape',
    readsUrl: 'http://127.0.0.1:9464/metrics',
    nodes: snapshot.nodes.map((n) => ({ ...n, reads: n.role === 'down' ? null : 3, readsPerSec: 3 })),
  };
  const screen = renderMonitor(withReads);
  expect(head(screen).slice(-2)).toEqual(['reads', 'reads/s']);
  expect(row(screen, 'standby1').slice(-2)).toEqual(['3', '3.0']);
  expect(screen).toContain('rwsplit_queries_total deltas from http://127.0.0.1:9464/metrics');
  expect(screen).not.toMatch(/xact_commit/);

  const failed = renderMonitor({ ...withReads, readsError: 'Scraping x failed (ECONNREFUSED).' });
  expect(failed).toContain('reads unknown: Scraping x failed (ECONNREFUSED).');
  expect(failed).not.toContain('not configured here');

  const elsewhere = renderMonitor({ ...withReads, otherReads: [{ address: 'localhost:55621', reads: 9 }] });
  expect(elsewhere).toContain('reads to nodes not configured here: localhost:55621 9. Give the monitor the same URLs');

  const routed = renderMonitor({
    ...snapshot,
    readsSource: 'router-events',
    intervalMs: null,
    walBytesPerSec: null,
  });
  expect(routed).toMatch(/read operations the router sent/);
  expect(routed).not.toMatch(/xact_commit/);
  expect(routed).toContain('(first sample)');
  expect(routed).toContain('WAL rate: -');
});

test('units', () => {
  expect(formatBytes(0)).toBe('0 B');
  expect(formatBytes(1023)).toBe('1023 B');
  expect(formatBytes(1536)).toBe('1.5 KiB');
  expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
  expect(formatBytes(null)).toBe('-');
  expect(formatMs(0)).toBe('0 ms');
  expect(formatMs(999.6)).toBe('1000 ms');
  expect(formatMs(12_300)).toBe('12.3 s');
});
