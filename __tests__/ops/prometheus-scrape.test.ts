// ops/prometheus/prometheus.yml on a real Prometheus, scraping a real router's metrics after a known load on the
// local cluster: what Prometheus stored must equal what the router's own events said (reads per node) and what
// the servers report (replay lag, eligibility). The same Prometheus then loads ops/prometheus/rules (every rule
// evaluates) and runs every query of ops/grafana/rwsplit-dashboard.json (each parses and returns series).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { fanOut, lsnDiff, roundRobin, type RwsplitEvent, WAL_INSERT_END_LSN } from 'rwsplit';
import { startMetricsServer, type MetricsServer } from 'rwsplit/metrics';
import { loadConfig, PROJECT_ROOT } from '../../src/config';
import { type AppRwsplit, createRwsplitFromConfig } from '../../src/db/app-rwsplit';
import { createAppMetrics } from '../../src/metrics/app-metrics';
import { waitUntil } from '../helpers/wait-until';
import { ensurePrometheus, prometheusSkipReason } from './prometheus-tool';
import { type RunningPrometheus, startPrometheus } from './start-prometheus';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

const OPS = path.join(PROJECT_ROOT, 'ops');
const config = loadConfig();
/** Routed findMany reads outside any session (replicas, round-robin here), and creates (primary). */
const READS = 30;
const WRITES = 5;

const skipReason = prometheusSkipReason();
if (skipReason) console.warn(`Prometheus scrape tests skipped: ${skipReason}.`);
const withPrometheus = skipReason ? test.skip : test;

jest.setTimeout(60_000);

/** ops/prometheus/prometheus.yml with the test's target, a 1 s interval and the rule file by absolute path. */
async function testConfig(target: string): Promise<string> {
  let text = await fs.readFile(path.join(OPS, 'prometheus', 'prometheus.yml'), 'utf8');
  const replace = (from: string, to: string) => {
    // Exactly once: if the file changes shape, this says so instead of testing some other config.
    if (text.split(from).length !== 2) throw new Error(`prometheus.yml should contain "${from}" exactly once`);
    text = text.replace(from, to);
  };
  replace("targets: ['127.0.0.1:9464']", `targets: ['${target}']`);
  replace('scrape_interval: 15s', 'scrape_interval: 1s');
  replace('evaluation_interval: 15s', 'evaluation_interval: 1s');
  replace(
    '- rules/rwsplit-alerts.yml',
    `- ${JSON.stringify(path.join(OPS, 'prometheus', 'rules', 'rwsplit-alerts.yml'))}`,
  );
  return text;
}

async function oneLsn(client: pg.Client, sql: string): Promise<string> {
  const { rows } = await client.query<{ lsn: string }>(sql);
  return rows[0]!.lsn;
}

interface Positions {
  /** The primary's position as the router reads it (end of the last inserted WAL record). */
  readonly primary: string;
  /** Each standby's replay position, by node name (`host:port`). */
  readonly replayed: Record<string, string>;
}

let dir: string;
const standbys: { node: string; client: pg.Client }[] = [];
let primaryClient: pg.Client | undefined;
let metricsServer: MetricsServer | undefined;
let proxy: TcpProxy | undefined;
let rw: AppRwsplit | undefined;
let prom: RunningPrometheus | undefined;
const events: RwsplitEvent[] = [];
/** Node name of the replica behind the proxy, which the test makes unreachable after the load. */
let proxiedNode: string;
/** Server positions sampled just before and just after the router's last health check. */
let before: Positions;
let after: Positions;

const replayedBy = async (): Promise<Record<string, string>> =>
  Object.fromEntries(
    await Promise.all(
      standbys.map(async (s) => [s.node, await oneLsn(s.client, 'SELECT pg_last_wal_replay_lsn()::text AS lsn')]),
    ),
  );

beforeAll(async () => {
  if (skipReason) return;
  await ensurePrometheus();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rwsplit-prometheus-'));

  primaryClient = new pg.Client({ connectionString: config.primaryUrl, connectionTimeoutMillis: 5_000 });
  await primaryClient.connect();
  for (const url of config.replicaUrls) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    await client.connect();
    standbys.push({ node: `127.0.0.1:${new URL(url).port}`, client });
  }

  const metrics = createAppMetrics();
  metricsServer = await startMetricsServer({ registry: metrics.registry, port: 0 });
  // A third replica: the first standby again, through a proxy the test closes later for a real ejection.
  proxy = await startTcpProxy(Number(new URL(config.replicaUrls[0]!).port));
  proxiedNode = `127.0.0.1:${proxy.port}`;
  const proxiedUrl = new URL(config.replicaUrls[0]!);
  proxiedUrl.port = String(proxy.port);
  rw = await createRwsplitFromConfig(config, {
    replicaUrls: [...config.replicaUrls, proxiedUrl.toString()],
    // Health checks only when the test asks (checkNow), so the gauges hold what the servers said at that moment.
    checkIntervalMs: [600_000, 600_000],
    onEvent: fanOut<RwsplitEvent>(metrics.listener, (event) => events.push(event)),
    // Round-robin, so every replica surely serves some of the reads (the default balances at random).
    strategy: roundRobin(),
  });
  prom = await startPrometheus({ dir, configText: await testConfig(`127.0.0.1:${metricsServer.port}`) });

  for (let i = 0; i < READS; i++) await rw.client.testReplication.findMany({ take: 1 });
  for (let i = 0; i < WRITES; i++) await rw.client.testReplication.create({ data: { data: `prometheus scrape ${i}` } });

  // Standbys that have replayed the writes are within any threshold; then one health check, bracketed by the
  // servers' own positions, sets the lag and eligibility gauges. The proxy is closed first: that replica is
  // ejected as unreachable.
  const written = await oneLsn(primaryClient, WAL_INSERT_END_LSN);
  await waitUntil(
    async () => Object.values(await replayedBy()).every((lsn) => lsnDiff(lsn, written) >= 0n),
    'both standbys to replay the test writes',
    15_000,
  );
  await proxy.close();
  before = { primary: await oneLsn(primaryClient, WAL_INSERT_END_LSN), replayed: await replayedBy() };
  await rw.checkNow();
  after = { replayed: await replayedBy(), primary: await oneLsn(primaryClient, WAL_INSERT_END_LSN) };
  const checkedAt = Date.now();

  // Three scrapes that started after the check: the first shows every figure above, and rate()/increase() over
  // the dashboard's window have two samples even of the series the check created (the ejection counter).
  const running = prom;
  await waitUntil(
    async () => {
      const series = await running.rawSamples('up{job="rwsplit"}[1m]');
      const since = (series[0]?.values ?? []).filter(([t, up]) => t * 1000 > checkedAt && up === '1');
      return since.length >= 3;
    },
    'three successful scrapes after the load and the health check',
    20_000,
    200,
  );
}, 90_000);

afterAll(async () => {
  await prom?.stop();
  await rw?.close();
  await proxy?.close();
  await metricsServer?.close();
  await Promise.all([primaryClient, ...standbys.map((s) => s.client)].map((c) => c?.end().catch(() => undefined)));
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** An instant query's samples as `label value → number`. */
async function byLabel(expr: string, label: string): Promise<Record<string, number>> {
  const samples = await prom!.query(expr);
  return Object.fromEntries(samples.map((s) => [s.metric[label] ?? '', Number(s.value[1])]));
}

withPrometheus('reads per node in Prometheus equal the router query events, N in all; writes are counted', async () => {
  const routed: Record<string, number> = {};
  for (const e of events) {
    if (e.event === 'query' && e.role === 'replica' && e.operation === 'findMany') {
      routed[e.node] = (routed[e.node] ?? 0) + 1;
    }
  }
  const scraped = await byLabel(
    'sum by (node) (rwsplit_queries_total{job="rwsplit",role="replica",operation="findMany"})',
    'node',
  );
  expect(scraped).toEqual(routed);
  expect(Object.values(scraped).reduce((a, b) => a + b, 0)).toBe(READS);
  // Every replica, the proxied one included, served reads.
  expect(Object.keys(scraped).sort()).toEqual([...standbys.map((s) => s.node), proxiedNode].sort());
  const writes = await byLabel('sum(rwsplit_queries_total{job="rwsplit",role="primary",operation="create"})', '');
  expect(writes).toEqual({ '': WRITES });
  // Scraped from the test's own endpoint under the config's job.
  const instances = await byLabel('count by (instance) (rwsplit_queries_total{job="rwsplit"})', 'instance');
  expect(Object.keys(instances)).toEqual([`127.0.0.1:${metricsServer!.port}`]);
});

withPrometheus(
  'lag bytes and eligibility per node in Prometheus match the servers and the eligibility rule',
  async () => {
    const lagBytes = await byLabel('rwsplit_replica_lag_bytes{job="rwsplit"}', 'node');
    const lagSeconds = await byLabel('rwsplit_replica_lag_seconds{job="rwsplit"}', 'node');
    const eligible = await byLabel('rwsplit_replica_eligible{job="rwsplit"}', 'node');
    const { maxLagBytes, maxLagMs } = config.routing;
    for (const { node } of standbys) {
      // The check read the primary's position and the standby's between these two samplings, so its lag lies
      // between the smallest and the largest difference the servers allow (clamped at 0, like the library).
      const low = Number(lsnDiff(before.primary, after.replayed[node]!));
      const high = Number(lsnDiff(after.primary, before.replayed[node]!));
      expect(lagBytes[node]).toBeGreaterThanOrEqual(Math.max(0, low));
      expect(lagBytes[node]).toBeLessThanOrEqual(Math.max(0, high));
      // The router's own last check says the same as Prometheus.
      const checked = events.filter((e) => e.event === 'replica_checked' && e.node === node).at(-1);
      expect(checked).toMatchObject({ lagBytes: lagBytes[node], eligible: eligible[node] === 1 });
      // The library's rule: eligible when lag time <= maxLagMs OR lag bytes <= maxLagBytes.
      const withinRule = lagBytes[node]! <= maxLagBytes || lagSeconds[node]! * 1000 <= maxLagMs;
      expect(eligible[node]).toBe(withinRule ? 1 : 0);
    }
    // The standbys replayed the writes before the check, so both are within the rule here.
    for (const { node } of standbys) expect(eligible[node]).toBe(1);
    // The replica behind the closed proxy: out of rotation, lag unknown (series gone), one ejection as unreachable.
    expect(eligible[proxiedNode]).toBe(0);
    expect(lagBytes[proxiedNode]).toBeUndefined();
    const ejections = await byLabel(`rwsplit_replica_ejections_total{job="rwsplit",node="${proxiedNode}"}`, 'reason');
    // Every reason's counter starts at 0 when the node is first checked; only the ejection that happened counts 1.
    expect(ejections).toEqual({ connection_error: 0, timeout: 0, unreachable: 1, lagging: 0, not_in_recovery: 0 });
  },
);

withPrometheus('the alert rules from prometheus.yml are loaded and every rule evaluates without error', async () => {
  interface RulesData {
    groups: { name: string; rules: { name: string; health: string; lastError?: string; type: string }[] }[];
  }
  let rules: RulesData['groups'][number]['rules'] = [];
  // Rules are evaluated every second; a rule not yet evaluated reports health "unknown".
  await waitUntil(
    async () => {
      const answer = await prom!.api<RulesData>('rules');
      rules = answer.data?.groups.flatMap((g) => g.rules) ?? [];
      return rules.length > 0 && rules.every((r) => r.health !== 'unknown');
    },
    'every rule to be evaluated once',
    10_000,
    200,
  );
  const source = await fs.readFile(path.join(OPS, 'prometheus', 'rules', 'rwsplit-alerts.yml'), 'utf8');
  const names = [...source.matchAll(/^\s+- alert: (\w+)$/gm)].map((m) => m[1]);
  expect(rules.map((r) => r.name).sort()).toEqual([...names].sort());
  expect(rules.filter((r) => r.health !== 'ok')).toEqual([]);
});

interface Dashboard {
  __inputs: { name: string; type: string; pluginId: string }[];
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; query: { query: string } | string }[] };
}
interface Panel {
  title: string;
  type: string;
  datasource?: { uid: string };
  targets?: { expr: string; refId: string; datasource?: { uid: string } }[];
  panels?: Panel[];
}

/** What Grafana would send: its interval macros as 1m, every dashboard variable as "any value". */
function asPrometheusQuery(expr: string): string {
  return expr.replace(/\$__rate_interval|\$__interval|\$\{__rate_interval\}/g, '1m').replace(/\$\{?\w+\}?/g, '.*');
}

withPrometheus('every query of the Grafana dashboard parses and returns series on the real Prometheus', async () => {
  const dashboard = JSON.parse(
    await fs.readFile(path.join(OPS, 'grafana', 'rwsplit-dashboard.json'), 'utf8'),
  ) as Dashboard;
  // Importable anywhere: one datasource input, used by every panel and target.
  expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource' })]);
  expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
  expect(panels.length).toBeGreaterThanOrEqual(9);

  const failures: string[] = [];
  for (const panel of panels) {
    expect({ panel: panel.title, uid: panel.datasource?.uid }).toEqual({ panel: panel.title, uid: '${DS_PROMETHEUS}' });
    expect(panel.targets?.length).toBeGreaterThan(0);
    for (const target of panel.targets ?? []) {
      expect(target.datasource?.uid).toBe('${DS_PROMETHEUS}');
      const expr = asPrometheusQuery(target.expr);
      const answer = await prom!.api<{ result: unknown[] }>('query', { query: expr });
      if (answer.status !== 'success') failures.push(`${panel.title} ${target.refId}: ${answer.error}\n  ${expr}`);
      else if ((answer.data?.result.length ?? 0) === 0)
        failures.push(`${panel.title} ${target.refId}: no series\n  ${expr}`);
    }
  }
  // Variables: label_values(selector, label) is Grafana's call of the label-values API.
  for (const variable of dashboard.templating.list) {
    const text = typeof variable.query === 'string' ? variable.query : variable.query.query;
    const m = /^label_values\((.+),\s*(\w+)\)$/.exec(text);
    if (!m) {
      failures.push(`variable ${variable.name}: not a label_values() query: ${text}`);
      continue;
    }
    const answer = await prom!.api<string[]>(`label/${m[2]}/values`, { 'match[]': asPrometheusQuery(m[1]!) });
    if (answer.status !== 'success' || (answer.data?.length ?? 0) === 0) {
      failures.push(`variable ${variable.name}: ${answer.error ?? 'no values'} for ${text}`);
    }
  }
  expect(failures).toEqual([]);
});
