// The pure parts of the connection bench: its option parsers, the children's messages, PgBouncer's pool counts,
// one configuration's figures and checks, the extrapolation and the printed tables. No cluster.
import { InvalidArgumentError } from 'commander';
import { parseOptionText } from '../../../src/bench/common/bench-option';
import { BENCH_CONNECTIONS_DEFAULTS, EXTRAPOLATION } from '../../../src/bench/connections/bench-connections-options';
import { checkConfiguration } from '../../../src/bench/connections/check-configuration';
import { childMessageLine, type ChildReport, parseChildMessage } from '../../../src/bench/connections/child-report';
import { CHILD_SPEC_ENV, childSpecFromEnv } from '../../../src/bench/connections/child-spec';
import type { ConnectionSample } from '../../../src/bench/connections/connection-sample';
import {
  connectionBound,
  extrapolateConnections,
  perProcessConnections,
} from '../../../src/bench/connections/extrapolate-connections';
import {
  formatConnectionsTable,
  formatExtrapolation,
  formatMeansTable,
} from '../../../src/bench/connections/format-connections-table';
import { poolCounts } from '../../../src/bench/connections/pool-counts';
import type { PgBouncerShowRow } from '../../../src/cluster/pgbouncer-process';
import type { ConnectionsBenchRun } from '../../../src/bench/connections/run-connections-bench';
import { summarizeConfiguration } from '../../../src/bench/connections/summarize-configuration';
import { CONNECTIONS_FLAGS } from '../../../src/bench/connections/connections-flags';

const NODES = ['primary', 'standby1', 'standby2'];

const report = (r: Partial<ChildReport> = {}): ChildReport => ({
  pid: 100,
  windowMs: 10_000,
  reads: 3,
  readErrors: 0,
  readLatenciesMs: [1, 2, 3],
  sessions: 10,
  sessionErrors: 0,
  firstError: null,
  checksByNode: { standby1: 7, standby2: 8 },
  positionQueries: 50,
  queriesByNode: { primary: 20, standby1: 2, standby2: 1 },
  fallbackReads: 0,
  ejections: {},
  ...r,
});

const sample = (server: number[], clients: number[] | null = null, servers: number[] | null = null) =>
  ({
    server: Object.fromEntries(NODES.map((n, i) => [n, server[i]!])),
    routing: Object.fromEntries(NODES.map((n) => [n, 1])),
    others: Object.fromEntries(NODES.map((n) => [n, 0])),
    pgbouncerClients: clients && Object.fromEntries(NODES.map((n, i) => [n, clients[i]!])),
    pgbouncerServers: servers && Object.fromEntries(NODES.map((n, i) => [n, servers[i]!])),
  }) satisfies ConnectionSample;

describe('options', () => {
  const via = (text: string) => parseOptionText(CONNECTIONS_FLAGS.via, text);

  it('parses --via in the order given, each way once', () => {
    expect(via('direct,pgbouncer')).toEqual(['direct', 'pgbouncer']);
    expect(via(' pgbouncer , direct')).toEqual(['pgbouncer', 'direct']);
    expect(() => via('direct,bouncer')).toThrow(InvalidArgumentError);
    expect(() => via('direct,direct')).toThrow(/twice/);
  });

  it('parses --processes as a list of whole numbers', () => {
    const processes = (text: string) => parseOptionText(CONNECTIONS_FLAGS.processes, text);
    expect(processes('1,4,16')).toEqual([1, 4, 16]);
    expect(() => processes('0,4')).toThrow(InvalidArgumentError);
    expect(() => processes('4,')).toThrow(InvalidArgumentError);
  });

  it('defaults to the issue’s configurations and extrapolates to 100 × (1 + 10)', () => {
    expect(BENCH_CONNECTIONS_DEFAULTS).toMatchObject({ via: ['direct', 'pgbouncer'], processes: [1, 4, 16] });
    expect(BENCH_CONNECTIONS_DEFAULTS).toMatchObject({ seconds: 10, concurrency: 4, sessionEveryMs: 100 });
    expect(EXTRAPOLATION).toEqual({ processes: 100, primaries: 1, replicas: 10 });
  });
});

describe('children', () => {
  it('reads ready and report lines and nothing else', () => {
    expect(parseChildMessage(childMessageLine({ type: 'ready' }))).toEqual({ type: 'ready' });
    const line = childMessageLine({ type: 'report', report: report() });
    expect(parseChildMessage(line)).toEqual({ type: 'report', report: report() });
    expect(parseChildMessage('prisma:warn something')).toBeNull();
    expect(parseChildMessage('{"type":"report","report":{"pid":1}}')).toBeNull();
    expect(parseChildMessage('{not json')).toBeNull();
  });

  it('takes its spec from the environment and says so when it is missing', () => {
    const spec = { nodes: [{ name: 'primary', url: 'postgresql://u:p@h:1/d' }], concurrency: 1, sessionEveryMs: 100 };
    expect(childSpecFromEnv({ [CHILD_SPEC_ENV]: JSON.stringify({ ...spec, rowData: 'x' }) }).concurrency).toBe(1);
    expect(() => childSpecFromEnv({})).toThrow(/bench:connections/);
    expect(() => childSpecFromEnv({ [CHILD_SPEC_ENV]: '{' })).toThrow(/not valid JSON/);
  });
});

describe('poolCounts', () => {
  const rows: PgBouncerShowRow[] = [
    { database: 'pgbouncer', user: 'pgbouncer', cl_active: '1', cl_waiting: '0', sv_active: '0', sv_idle: '0' },
    {
      database: 'rwsplit',
      user: 'rwsplit',
      cl_active: '12',
      cl_waiting: '3',
      sv_active: '4',
      sv_idle: '2',
      sv_used: '1',
      sv_tested: '0',
      sv_login: '1',
    },
  ];

  it("counts the application's pool only, cl_idle when PgBouncer has it", () => {
    expect(poolCounts(rows, 'rwsplit', 'rwsplit')).toEqual({ clients: 15, servers: 8 });
    expect(poolCounts([{ ...rows[1]!, cl_idle: '5' }], 'rwsplit', 'rwsplit')).toEqual({ clients: 20, servers: 8 });
    expect(poolCounts(rows, 'rwsplit', 'someone')).toEqual({ clients: 0, servers: 0 });
  });
});

describe('summarizeConfiguration', () => {
  it('takes max and mean per node, rates per second over the children, latency over every read', () => {
    const result = summarizeConfiguration({
      via: 'direct',
      processes: 2,
      nodes: NODES,
      samples: [sample([4, 2, 3]), sample([6, 4, 3])],
      reports: [report(), report({ pid: 101, windowMs: 5000, readLatenciesMs: [4], reads: 1 })],
    });
    expect(result.serverConnections).toEqual({
      primary: { max: 6, mean: 5 },
      standby1: { max: 4, mean: 3 },
      standby2: { max: 3, mean: 3 },
    });
    expect(result.pgbouncerClients).toBeNull();
    // 7 checks in 10 s and 7 in 5 s: 0.7 + 1.4 per second.
    expect(result.healthChecksPerSecond.standby1).toBeCloseTo(2.1);
    expect(result.healthChecksPerSecond).not.toHaveProperty('primary');
    expect(result.positionQueriesPerSecond).toBeCloseTo(5 + 10);
    expect(result.read?.samples).toBe(4);
    expect(result.read?.p50Ms).toBeCloseTo(2, 2);
    expect(result.read?.maxMs).toBeCloseTo(4, 2);
    expect(result).toMatchObject({ reads: 4, sessions: 20, samples: 2, windowSeconds: 7.5 });
    expect(result.operationsByNode).toEqual({ primary: 40, standby1: 4, standby2: 2 });
  });

  it("keeps PgBouncer's clients and servers when every sample has them", () => {
    const result = summarizeConfiguration({
      via: 'pgbouncer',
      processes: 4,
      nodes: NODES,
      samples: [sample([20, 8, 9], [40, 30, 31], [20, 8, 9]), sample([18, 8, 9], [44, 32, 30], [20, 8, 9])],
      reports: [report()],
    });
    expect(result.pgbouncerClients?.primary).toEqual({ max: 44, mean: 42 });
    expect(result.pgbouncerServers?.standby2).toEqual({ max: 9, mean: 9 });
  });
});

describe('checkConfiguration', () => {
  const summarize = (reports: ChildReport[], samples = [sample([3, 2, 2])]) =>
    summarizeConfiguration({ via: 'direct', processes: 2, nodes: NODES, samples, reports });

  it('passes a configuration that really ran', () => {
    const reports = [report(), report({ pid: 101 })];
    expect(checkConfiguration(summarize(reports), reports)).toEqual([]);
  });

  it('names the process that missed a node, failed, or never reported', () => {
    const reports = [
      report({ queriesByNode: { primary: 5 } }),
      report({ pid: 101, queriesByNode: { standby1: 5 }, readErrors: 2, firstError: 'boom' }),
    ];
    const problems = checkConfiguration(summarize(reports), reports);
    expect(problems).toEqual(
      expect.arrayContaining([
        'process 100 never reached a replica (every read went to the primary)',
        'process 101 never reached the primary',
        expect.stringMatching(/process 101: 2 read\(s\) and 0 session\(s\) failed, the first with: boom/),
      ]),
    );
    expect(checkConfiguration(summarize([report()]), [report()])).toEqual(['1 of 2 processes reported']);
  });

  it('fails when a node showed no connection, no sample was taken, or a replica was never checked', () => {
    const reports = [report({ checksByNode: { standby1: 3 } }), report({ pid: 101, checksByNode: { standby1: 3 } })];
    expect(checkConfiguration(summarize(reports, [sample([3, 0, 2])]), reports)).toEqual([
      'standby1: pg_stat_activity never showed a server connection of the bench',
      'standby2: no health check ran during the load',
    ]);
    expect(checkConfiguration(summarize(reports, []), reports)).toContain('no sample was taken while the load ran');
  });
});

describe('extrapolation', () => {
  const result = summarizeConfiguration({
    via: 'direct',
    processes: 4,
    nodes: NODES,
    samples: [sample([24, 12, 14])],
    reports: [report()],
  });

  it('divides by processes, takes the busier replica, and scales to the fleet', () => {
    const per = perProcessConnections(result);
    expect(per).toEqual({ processes: 4, primary: 6, replica: 3.5 });
    expect(extrapolateConnections(per, EXTRAPOLATION)).toEqual({
      ...EXTRAPOLATION,
      perPrimary: 600,
      perReplica: 350,
      total: 600 + 10 * 350,
    });
  });

  it('bounds by the pools: primaryPoolSize + 2 position, replicaPoolSize + 4 health-check connections', () => {
    expect(connectionBound({ primaryPoolSize: 10, replicaPoolSize: 10 }, EXTRAPOLATION).total).toBe(
      100 * (12 + 10 * 14),
    );
    expect(connectionBound({ primaryPoolSize: 20, replicaPoolSize: 2 }, EXTRAPOLATION).total).toBe(100 * (22 + 10 * 6));
  });
});

describe('tables', () => {
  const direct = summarizeConfiguration({
    via: 'direct',
    processes: 4,
    nodes: NODES,
    samples: [sample([24, 12, 14])],
    reports: [report()],
  });
  const bounced = summarizeConfiguration({
    via: 'pgbouncer',
    processes: 4,
    nodes: NODES,
    samples: [sample([20, 9, 8], [26, 14, 13], [20, 9, 8])],
    reports: [report()],
  });
  const run: ConnectionsBenchRun = {
    startedAt: '2026-12-07T00:00:00.000Z',
    finishedAt: '2026-12-07T00:01:00.000Z',
    options: {
      ...BENCH_CONNECTIONS_DEFAULTS,
      via: [...BENCH_CONNECTIONS_DEFAULTS.via],
      processes: [...BENCH_CONNECTIONS_DEFAULTS.processes],
    },
    pgbouncerPoolSize: 20,
    configurations: [direct, bounced],
  };

  it('prints one row per configuration with every node', () => {
    const table = formatConnectionsTable(run.configurations);
    expect(table).toContain('24 / 12 / 14');
    expect(table).toContain('26 / 14 / 13');
    expect(table).toContain('0.7 / 0.8');
    expect(formatMeansTable(run.configurations)).toContain('20 / 9 / 8');
  });

  it('states the formula with the measured figures, the options’ bound and what PgBouncer changes', () => {
    const text = formatExtrapolation(run);
    expect(text).toContain('= 100 × (1 × 6.00 + 10 × 3.50) = 4,100 (600 on the primary, 350 on each replica)');
    expect(text).toContain('= 15,200');
    expect(text).toMatch(/the most server connections a node saw was 20 \(4 processes\)/);
    expect(text).toMatch(/at most 11 × 20 = 220/);
  });
});
