// The consistency bench on a private cluster (it pauses replay, changes settings, freezes and kills standbys):
// read-your-writes and remote_apply give 0 stale reads under conditions where eventual reads do go stale, with one
// standby paused and the other streaming sessions go back in time only without monotonic reads, the routing cost,
// ratio, monotonic-reads and fault tables are reported, every change is undone afterwards (also after an abort and
// after a run that was killed), and the report files are written.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, PROJECT_ROOT, type Config } from '../../../src/config';
import { queryOnce } from '../../../src/db/pg-client';
import { PAUSE_REPLAY } from '../../../src/bench/consistency/admin-sql';
import { consistencyReportData, writeConsistencyReport } from '../../../src/bench/consistency/consistency-report';
import { baselineNote } from '../../../src/bench/report/report-figures';
import { PairTracker } from '../../../src/bench/consistency/pair-tracker';
import { LEDGER_FILE, RestoreLedger } from '../../../src/bench/consistency/restore-ledger';
import { localNodeControl } from '../../../src/bench/consistency/node-control';
import { createAppRwsplit } from '../../../src/db/app-rwsplit';
import { childPids, runningPostmaster } from '../../../src/bench/consistency/server-processes';
import { runConsistencyBench, type ConsistencyBenchResult } from '../../../src/bench/consistency/run-consistency-bench';
import { throwawayCluster, type Throwaway } from '../../helpers/throwaway-cluster';
import { waitUntil } from '../../helpers/wait-until';

// Below Linux's ephemeral range (32768–60999), so an outgoing connection never holds one of them.
const PORTS = [25630, 25631, 25632];
const NAME = 'bench-consistency';
let env: Throwaway;
let config: Config;

const admin = (node: string) => env.cluster.adminTarget(env.cluster.node(node));
const setting = async (node: string, name: string) =>
  (await queryOnce<{ value: string }>(admin(node), 'SELECT current_setting($1) AS value', [name]))[0]!.value;
const replayPaused = async (node: string) =>
  (await queryOnce<{ paused: boolean }>(admin(node), 'SELECT pg_is_wal_replay_paused() AS paused'))[0]!.paused;

/** The process states (R, S, T …) of a node's postmaster and every process it forked. */
async function processStates(node: string): Promise<string[]> {
  const postmaster = await runningPostmaster(env.cluster.node(node).dataDir);
  if (postmaster === null) return [];
  const pids = [postmaster, ...(await childPids(postmaster))];
  const stats = await Promise.all(pids.map((pid) => fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')));
  return stats.filter(Boolean).map((stat) => stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
}

/** Everything the bench may change is back as the cluster was made. */
async function expectRestored(): Promise<void> {
  for (const standby of ['standby1', 'standby2']) {
    expect(await replayPaused(standby)).toBe(false);
    expect(await setting(standby, 'recovery_min_apply_delay')).toBe('0');
    // Running, and none of its processes stopped (T): a frozen standby was thawed.
    const states = await processStates(standby);
    expect(states.length).toBeGreaterThan(1);
    expect(states.filter((s) => s === 'T')).toEqual([]);
  }
  // Both standbys stream again, as the primary sees it (a killed one was started).
  const replication = await queryOnce<{ application_name: string; state: string }>(
    admin('primary'),
    'SELECT application_name, state FROM pg_stat_replication ORDER BY application_name',
  );
  expect(replication).toEqual([
    { application_name: 'standby1', state: 'streaming' },
    { application_name: 'standby2', state: 'streaming' },
  ]);
  expect(await setting('primary', 'synchronous_standby_names')).toBe('');
  expect(existsSync(path.join(env.config.dir, LEDGER_FILE))).toBe(false);
}

const mode = (r: ConsistencyBenchResult, name: string) => r.modes.find((m) => m.mode === name)!;

beforeAll(async () => {
  env = await throwawayCluster(NAME, PORTS);
  config = loadConfig({ RWSPLIT_CLUSTER_DIR: `.cluster-${NAME}`, RWSPLIT_CLUSTER_PORTS: PORTS.join(',') });
}, 120_000);
afterAll(async () => {
  await env?.destroy();
});

test('each read is attributed to its own pair, however many run at once', async () => {
  const tracker = new PairTracker();
  const rw = await createAppRwsplit({
    primaryUrl: env.primaryUrl,
    replicaUrls: env.replicaUrls,
    onEvent: tracker.listener,
  });
  try {
    // Primary-scoped and eventual pairs interleaved: a listener that guessed by order or time would mix them up.
    const modes = Array.from({ length: 40 }, (_, i): 'primary' | 'eventual' => (i % 2 ? 'primary' : 'eventual'));
    const tracked = await Promise.all(
      modes.map((mode) =>
        tracker.run((read) =>
          rw.session(
            async () => {
              await rw.client.testReplication.count(); // not inside read(): must not be counted
              return read(() => rw.client.testReplication.findFirst({ select: { id: true } }));
            },
            { mode },
          ),
        ),
      ),
    );
    tracked.forEach((t, i) => {
      expect(t.reads).toEqual([
        expect.objectContaining({ role: modes[i] === 'primary' ? 'primary' : 'replica', ok: true }),
      ]);
    });
  } finally {
    await rw.close();
  }
});

// Baselines off unless a test is about them: each run would add seconds.
const small = { pairs: 20, concurrency: 4, writeRate: 50, sampleEveryMs: 50, baselineSeconds: 0, baselineOps: 0 };

const rowCount = async () =>
  (await queryOnce<{ n: number }>(env.primaryUrl, 'SELECT count(*)::int AS n FROM test_replication'))[0]!.n;

test('replay paused on every standby: eventual reads go stale, read-your-writes reads never do', async () => {
  const rowsBefore = await rowCount();
  // Paused for the whole run (the second pause would come after a minute).
  const result = await runConsistencyBench(config, {
    ...small,
    scenarios: ['pause'],
    pauseMs: 60_000,
    periodMs: 60_001,
    modes: ['eventual', 'read-your-writes'],
  });
  const eventual = mode(result, 'eventual');
  expect(eventual.pairs).toBe(20);
  expect(eventual.stale).toBeGreaterThan(0);
  expect(eventual.replicaReads).toBe(eventual.pairs);
  const ryw = mode(result, 'read-your-writes');
  expect(ryw.pairs).toBe(20);
  expect(ryw.stale).toBe(0);
  // No replica had replayed the writes, so every read went to the primary: the router's own events say so.
  expect(ryw.readsPerNode).toEqual({ primary: 20 });
  expect(ryw.fallbacks).toEqual({ not_caught_up: 20 });
  expect(result.targets.filter((t) => t.name.includes('stale'))).toEqual([
    expect.objectContaining({ name: 'pause/read-your-writes: 0 stale reads', met: true }),
  ]);
  await expectRestored();
  // The rows it wrote (40 pairs, warm-up pairs, background writes) are gone again; --keep would keep them.
  expect(result.deletedRows).toBeGreaterThanOrEqual(40);
  expect(await rowCount()).toBe(rowsBefore);
}, 60_000);

test('split: one standby paused, the other streaming: sessions go back in time without monotonic reads, never with them', async () => {
  const result = await runConsistencyBench(config, {
    ...small,
    sessionReads: 4,
    // A session's later reads come 20 ms apart, time enough for the streaming standby to replay the row even on a
    // busy machine: back to back, every read of a session can come before it does, and none goes back in time.
    sessionReadGapMs: 20,
    scenarios: ['split'],
    modes: ['eventual', 'eventual-plain', 'read-your-writes'],
  });
  const plain = mode(result, 'eventual-plain');
  // The paused standby stayed eligible: read-backs went to both standbys, and sessions that moved from the
  // streaming one to the paused one lost their row.
  expect(Object.keys(plain.readsPerNode).sort()).toEqual(['standby1', 'standby2']);
  expect(plain).toMatchObject({ pairs: 20, monotonicReads: false, laterReads: 60, laterReadsFailed: 0 });
  expect(plain.nonMonotonic).toBeGreaterThan(0);
  for (const name of ['eventual', 'read-your-writes']) {
    expect(mode(result, name)).toMatchObject({ pairs: 20, monotonicReads: true, nonMonotonic: 0, laterReads: 60 });
  }
  expect(mode(result, 'read-your-writes').stale).toBe(0);
  expect(result.targets.filter((t) => t.name.includes('non-monotonic'))).toEqual([
    expect.objectContaining({ name: 'split/eventual: 0 non-monotonic sessions', met: true }),
    expect.objectContaining({ name: 'split/read-your-writes: 0 non-monotonic sessions', met: true }),
  ]);
  const sections = consistencyReportData(result).sections ?? [];
  expect(sections.find((s) => s.id === 'monotonic-cost')!.rows).toEqual([
    ['split', '0 of 20', `${plain.nonMonotonic} of 20`, expect.any(String), expect.any(String), expect.any(String)],
  ]);
  await expectRestored();
}, 60_000);

test('recovery_min_apply_delay: remote_apply reads are fresh where eventual ones are stale; report written, with baselines', async () => {
  const result = await runConsistencyBench(config, {
    ...small,
    baselineSeconds: 1,
    baselineOps: 200,
    scenarios: ['delay'],
    delayMs: 300,
    modes: ['eventual', 'remote_apply', 'primary'],
  });
  expect(mode(result, 'eventual').stale).toBeGreaterThan(0);
  const remote = mode(result, 'remote_apply');
  expect(remote).toMatchObject({ pairs: 20, stale: 0, replicaReads: 20 });
  expect(remote.note).toContain("set to 'ANY 2 (standby1, standby2)'");
  expect(mode(result, 'primary')).toMatchObject({ stale: 0, readsPerNode: { primary: 20 } });
  expect(result.readsPerNode.find((n) => n.node === 'primary')!.reads).toBeGreaterThanOrEqual(20);
  await expectRestored();

  const out = await fs.mkdtemp(path.join(os.tmpdir(), 'rwsplit-bench-consistency-'));
  try {
    const written = await writeConsistencyReport(result, out);
    for (const dir of [written.run.dir, written.latest.dir]) {
      const json = JSON.parse(await fs.readFile(path.join(dir, 'report.json'), 'utf8'));
      expect(json.paths.map((p: { name: string }) => p.name)).toEqual([
        'delay/eventual',
        'delay/remote_apply',
        'delay/primary',
      ]);
      expect(json.consistency.modes[1]).toMatchObject({ mode: 'remote_apply', stale: 0, pairs: 20 });
      expect(json.readsPerNode).toEqual(result.readsPerNode);
      expect(json.lagSeries.map((s: { node: string }) => s.node)).toEqual(['standby1', 'standby2']);
      expect(json.lagSeries[0].points.length).toBeGreaterThan(0);
      const html = await fs.readFile(path.join(dir, 'report.html'), 'utf8');
      expect(html).toContain('data-path="delay/remote_apply"');
      expect(html).toContain('data-chart="lag-ms"');
      // Raw pg ran the pair's SQL at the pairs' concurrency; every path has a ratio to it.
      expect(json.baselines.rawPg).toEqual([
        expect.objectContaining({ tool: 'raw-pg', workload: 'read', clients: 4 }),
        expect.objectContaining({ tool: 'raw-pg', workload: 'write', clients: 4 }),
      ]);
      expect(html).toMatch(/data-path="delay\/eventual" data-field="opsVsRawPg" data-value="[\d.e-]+"/);
      expect(html).toContain('data-section="baseline-ratios"');
    }
    expect(result.baselines.rawPg?.read.transactions).toBe(200);
    expect(result.baselines.rawPg?.write.transactions).toBe(200);
    if (result.baselines.pgbench?.read.status === 'ok') {
      // Split over both standbys, 2 clients each, at the same time.
      expect(result.baselines.pgbench.read.parts?.map((p) => p.clients)).toEqual([2, 2]);
      expect(result.baselines.pgbench.write).toMatchObject({ status: 'ok', clients: 4 });
    } else {
      // pgbench missing is reported, never a failure.
      expect(result.baselines.pgbench?.read).toMatchObject({ status: 'unavailable', kind: 'not-installed' });
    }
    expect(path.basename(written.latest.dir)).toBe('bench-consistency-latest');
    expect(path.basename(written.run.dir)).toMatch(/^bench-consistency-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
  } finally {
    await fs.rm(out, { recursive: true, force: true });
  }
}, 60_000);

// Short fault: 20 pairs would be over at once, so each mode runs on until the fault is undone.
const shortFault = { freezeAtMs: 300, killAtMs: 600, restoreAtMs: 2500, replicaReadTimeoutMs: 1000 };

test('fault scenario: a standby frozen and the other killed, then both restored; routing cost and ratios reported', async () => {
  const lines: string[] = [];
  const result = await runConsistencyBench(
    config,
    // One read per session (the read-back alone, as before monotonic reads): the routing figures below are its.
    { ...small, ...shortFault, faultCheckTimeoutMs: 300, scenarios: ['none', 'fault'], sessionReads: 1 },
    { log: (line) => lines.push(line) },
  );
  // remote_apply would make every write wait for the frozen standby: the fault scenario skips it, saying why.
  expect(result.skipped).toEqual([expect.objectContaining({ scenario: 'fault', mode: 'remote_apply' })]);
  expect(result.modes.map((m) => `${m.scenario}/${m.mode}`)).toEqual([
    'none/eventual',
    'none/read-your-writes',
    'none/remote_apply',
    'none/primary',
    'fault/eventual',
    'fault/read-your-writes',
    'fault/primary',
  ]);
  for (const m of result.modes) {
    expect(m.routingCost).toEqual({
      positionRequests: expect.any(Number),
      positionQueries: expect.any(Number),
      replayQueries: expect.any(Number),
      primaryRoundTripsPerRead: expect.any(Number),
      primaryRoundTripsPerRywRead: m.routingCost!.positionRequests ? expect.any(Number) : null,
      replayQueriesPerRead: expect.any(Number),
    });
    expect(m.failedReads).toBe(m.errors.length);
  }
  // Every read-your-writes read followed its pair's write: each one asked for the primary's position.
  const ryw = mode(result, 'read-your-writes');
  expect(ryw.routingCost!.positionRequests).toBe(ryw.pairs);
  expect(mode(result, 'eventual').routingCost!.positionRequests).toBe(0);

  for (const m of result.modes.filter((r) => r.scenario === 'fault')) {
    expect(m.pairs).toBeGreaterThanOrEqual(20);
    expect(m.fault).toMatchObject({ frozen: 'standby1', killed: 'standby2', replicaReadTimeoutMs: 1000 });
    expect(m.lag).toContain(`connectTimeoutMs ${config.writer.connectTimeoutMs}`);
    const f = m.fault!;
    // Frozen, then killed, then restored, then streaming again: every step happened, in that order.
    expect(f.frozenAtMs).toBeLessThan(f.killedAtMs!);
    expect(f.killedAtMs).toBeLessThan(f.restoredAtMs!);
    expect(f.restoredAtMs).toBeLessThanOrEqual(f.streamingAtMs!);
    expect(f.reads).toBeGreaterThan(0);
    expect(f.read?.samples).toBe(f.reads);
  }
  expect(lines).toContainEqual(expect.stringMatching(/^fault: standby1 frozen \(SIGSTOP of \d+ server processes\)$/));
  const names = result.targets.map((t) => t.name);
  expect(names).toEqual(
    expect.arrayContaining([
      'none: read-your-writes read p50 ≤ 1.3× eventual read p50',
      'none: read-your-writes pairs/s ≥ primary-mode pairs/s',
      'none/read-your-writes: primary round trips per read ≤ 0.3 (set for concurrency 16, ran at 4)',
      'fault/eventual: no read waited longer than replicaReadTimeoutMs + one retry (2000 ms)',
      'fault/read-your-writes: 0 stale reads',
      'fault: no read failed',
    ]),
  );
  const sections = consistencyReportData(result).sections ?? [];
  expect(sections.map((s) => s.id)).toEqual(['baseline-ratios', 'routing-cost', 'mode-ratios', 'fault']);
  expect(sections.find((s) => s.id === 'mode-ratios')!.rows.map((r) => r[0])).toEqual(['none', 'fault']);
  expect(sections.find((s) => s.id === 'fault')!.rows.map((r) => r[1])).toEqual([
    'eventual',
    'read-your-writes',
    'primary',
  ]);
  await expectRestored();
}, 180_000);

test('an abort while a standby is frozen and the other killed undoes the fault at once', async () => {
  const controller = new AbortController();
  const result = await runConsistencyBench(
    config,
    { ...small, ...shortFault, restoreAtMs: 60_000, scenarios: ['fault'], modes: ['eventual'] },
    {
      signal: controller.signal,
      // Both faults in place, the restore a minute away: interrupt now.
      log: (line) => line.startsWith('fault: standby2 killed') && controller.abort(),
    },
  );
  expect(result.aborted).toBe(true);
  const f = result.modes[0]!.fault!;
  expect(f.killedAtMs).not.toBeNull();
  expect(f.streamingAtMs).not.toBeNull();
  await expectRestored();
}, 120_000);

test('an aborted run stops early and still restores the cluster', async () => {
  const controller = new AbortController();
  const result = await runConsistencyBench(
    config,
    { ...small, pairs: 100_000, scenarios: ['pause'], pauseMs: 100, periodMs: 200, modes: ['eventual'] },
    { signal: controller.signal, onProgress: (done) => done >= 30 && controller.abort() },
  );
  expect(result.aborted).toBe(true);
  expect(result.modes[0]!.pairs).toBeGreaterThanOrEqual(30);
  expect(result.modes[0]!.pairs).toBeLessThan(100_000);
  // No baselines after an interrupted run, and the report says why rather than "not installed".
  expect(result.baselines).toMatchObject({ pgbench: null, rawPg: null, notRun: expect.stringMatching(/interrupted/) });
  expect(baselineNote(consistencyReportData(result))).toMatch(
    /^pgbench was not run — no pgbench baseline\. .*interrupted/,
  );
  await expectRestored();
}, 60_000);

test('what a killed run left behind is undone by the next one', async () => {
  const first = new RestoreLedger(env.config.dir, admin);
  await first.claim();
  await first.apply({ kind: 'resume-replay', node: 'standby2' }, async () => {
    await queryOnce(admin('standby2'), PAUSE_REPLAY);
  });
  expect(await replayPaused('standby2')).toBe(true);
  // No undo: as if the process had been killed. The next run's ledger finds the file and undoes it.
  const next = new RestoreLedger(env.config.dir, admin);
  expect(await next.claim()).toEqual(['resume replay on standby2']);
  expect(await replayPaused('standby2')).toBe(false);
  await next.undoAll();

  // A killed run that had frozen standby1 and stopped standby2: the next run thaws the one and starts the other.
  const control = localNodeControl(env.cluster);
  try {
    const faulted = new RestoreLedger(env.config.dir, admin, control);
    await faulted.claim();
    await faulted.apply({ kind: 'thaw', node: 'standby1' }, async () => {
      await control.freeze('standby1');
    });
    await faulted.apply({ kind: 'start', node: 'standby2' }, () => control.kill('standby2'));
    expect(await processStates('standby1')).toContain('T');
    expect(await processStates('standby2')).toEqual([]);
    const after = new RestoreLedger(env.config.dir, admin, control);
    expect(await after.claim()).toEqual(["SIGCONT standby1's server processes", 'start standby2']);
    await after.undoAll();
  } finally {
    // Whatever failed above, the cluster is not left frozen for the other tests.
    await control.thaw('standby1');
    await control.start('standby2');
  }
  await control.waitForStreaming(60_000);
  await expectRestored();
}, 90_000);

test('servers the project does not manage: refused unless --no-inject', async () => {
  const external = loadConfig({ DATABASE_URL: env.primaryUrl, REPLICA_URLS: env.replicaUrls.join(',') });
  await expect(runConsistencyBench(external, small)).rejects.toThrow(/--no-inject/);
  // Without injection it runs as the servers are; remote_apply is skipped, since the primary has no sync standbys.
  const result = await runConsistencyBench(external, { ...small, inject: false, modes: ['remote_apply', 'primary'] });
  expect(result.skipped).toEqual([expect.objectContaining({ scenario: 'none', mode: 'remote_apply' })]);
  expect(mode(result, 'primary')).toMatchObject({ stale: 0, pairs: 20 });
  await expectRestored();
}, 60_000);

test('npm run bench:consistency: Ctrl-C stops the run, restores the cluster and still writes the report', async () => {
  const out = await fs.mkdtemp(path.join(os.tmpdir(), 'rwsplit-bench-consistency-'));
  try {
    const args = ['--pairs', '100000', '--concurrency', '4', '--scenarios', 'pause', '--pause-ms', '200'];
    args.push('--period-ms', '400', '--modes', 'eventual', '--write-rate', '50', '--out', out);
    const child = spawn(
      path.join(PROJECT_ROOT, 'node_modules', '.bin', 'ts-node'),
      ['scripts/bench-consistency.ts', ...args],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, RWSPLIT_CLUSTER_DIR: `.cluster-${NAME}`, RWSPLIT_CLUSTER_PORTS: PORTS.join(',') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        // The pairs are running with replay paused: interrupt now.
        if (stderr.includes('pause/eventual:')) resolve();
      });
      void exited.then(() => reject(new Error(`bench:consistency exited before the pairs started:\n${stderr}`)));
    });
    await waitUntil(async () => {
      const rows = await queryOnce<{ n: number }>(
        env.primaryUrl,
        "SELECT count(*)::int AS n FROM test_replication WHERE data LIKE 'bench-consistency pause/eventual %'",
      );
      return rows[0]!.n >= 10;
    }, 'ten pairs written');
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('interrupted: finishing the pairs in flight');
    expect(stdout).toContain('interrupted: the figures cover the pairs that ran');
    const json = JSON.parse(await fs.readFile(path.join(out, 'bench-consistency-latest', 'report.json'), 'utf8'));
    expect(json.consistency.aborted).toBe(true);
    expect(json.consistency.modes[0].pairs).toBeGreaterThan(0);
    await expectRestored();
  } finally {
    await fs.rm(out, { recursive: true, force: true });
  }
}, 90_000);
