// The live loop (`run`) on the real cluster, driven by an injected clock and wait and written to a stream:
// the screen redraws, the JSON lines of `--json` without `--once`, and a clean stop on abort.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '../../src/config';
import { type Sleep, createMonitor } from '../../src/monitor/monitor';
import { runMonitorCommand, validateMonitorOptions } from '../../src/monitor/monitor-command';
import { CLEAR_SCREEN, screenOutput } from '../../src/monitor/monitor-output';
import type { MonitorSnapshot } from '../../src/monitor/monitor-snapshot';
import { configuredNodes } from '../../src/replication/configured-nodes';

const config = loadConfig();
const root = path.resolve(__dirname, '..', '..');

/** A fake clock that only moves when the loop waits, and stops the loop after `rounds` waits. */
function fakeTime(rounds: number) {
  let t = Date.UTC(2026, 10, 26, 4, 0, 0);
  const controller = new AbortController();
  const waits: number[] = [];
  const sleep: Sleep = (ms) => {
    waits.push(ms);
    t += ms;
    if (waits.length === rounds) controller.abort();
    return Promise.resolve();
  };
  return { now: () => t, sleep, waits, signal: controller.signal };
}

function collect(stream: PassThrough): () => string {
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  return () => chunks.join('');
}

test('run redraws the screen once per interval and stops when aborted', async () => {
  const time = fakeTime(3);
  const sink = new PassThrough();
  const text = collect(sink);
  const monitor = createMonitor({
    nodes: configuredNodes(config),
    limits: config.routing,
    intervalMs: 1000,
    now: time.now,
    sleep: time.sleep,
  });
  await monitor.run(screenOutput(sink, { clear: true }), time.signal);

  const screens = text().split(CLEAR_SCREEN).slice(1);
  expect(screens).toHaveLength(3);
  // The clock stands still while sampling, so each wait is the whole interval.
  expect(time.waits).toEqual([1000, 1000, 1000]);
  expect(screens[0]).toContain('(first sample)');
  for (const screen of screens.slice(1)) expect(screen).toContain('(interval 1.0 s)');
  for (const screen of screens) {
    expect(screen).toMatch(/│ standby1 +│ 127\.0\.0\.1:\d+ +│ standby +│ streaming/);
    expect(screen.trimEnd().endsWith('Ctrl-C to quit')).toBe(true);
  }
});

test('an abort during the wait ends run at once, without another sample or output', async () => {
  const controller = new AbortController();
  const outputs: MonitorSnapshot[] = [];
  const monitor = createMonitor({ nodes: configuredNodes(config), limits: config.routing, intervalMs: 600_000 });
  await monitor.run((s) => {
    outputs.push(s);
    controller.abort(); // the loop now sleeps 10 minutes unless the abort cuts the wait short
  }, controller.signal);
  expect(outputs).toHaveLength(1);
});

test('--json without --once streams one JSON line per interval', async () => {
  const time = fakeTime(2);
  const sink = new PassThrough();
  const text = collect(sink);
  await runMonitorCommand(
    { interval: 500, json: true },
    { config, stdout: sink, signal: time.signal, now: time.now, sleep: time.sleep },
  );
  const lines = text().split('\n');
  expect(lines.at(-1)).toBe('');
  const snapshots = lines.slice(0, -1).map((l) => JSON.parse(l) as MonitorSnapshot);
  expect(snapshots).toHaveLength(2);
  expect(snapshots.map((s) => s.intervalMs)).toEqual([null, 500]);
  expect(snapshots[1]!.readsSource).toBeNull();
  expect(snapshots[1]!.nodes.map((n) => n.name)).toEqual(['primary', 'standby1', 'standby2']);
});

test('options are checked with a message that says what is expected', () => {
  expect(() => validateMonitorOptions({ interval: 50 })).toThrow(/--interval must be a number of ms >= 100/);
  expect(() => validateMonitorOptions({ interval: 1000, metricsUrl: 'localhost:9464' })).toThrow(
    /--metrics-url must be an http\(s\) URL such as http:\/\/127\.0\.0\.1:9464\/metrics/,
  );
  expect(() => validateMonitorOptions({ interval: 1000, metricsUrl: 'http://127.0.0.1:9464/metrics' })).not.toThrow();
});

test('`scripts/monitor.ts --json` streams JSON lines until SIGTERM, then exits 0', async () => {
  const child = spawn(
    path.join(root, 'node_modules', '.bin', 'ts-node'),
    [path.join(root, 'scripts', 'monitor.ts'), '--json', '--interval', '200'],
    { cwd: root, env: process.env },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      if (stdout.split('\n').length > 2) resolve(); // two complete lines
    });
    child.once('exit', () => reject(new Error(`monitor exited early: ${stderr}`)));
  });
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(stderr).toBe('');
  const lines = stdout.trim().split('\n');
  expect(lines.length).toBeGreaterThanOrEqual(2);
  for (const line of lines) expect((JSON.parse(line) as MonitorSnapshot).nodes).toHaveLength(3);
});
