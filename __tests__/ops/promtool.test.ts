// promtool on ops/prometheus: the config (and the rule files it loads) is valid, the rules are valid, and the
// rules' unit tests (hand-written series that fire and do not fire each alert) pass. No server is needed.
// On failure the assertion message is promtool's own output.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT } from '../../src/config';
import { ensurePrometheus, prometheusSkipReason } from './prometheus-tool';

const PROMETHEUS_DIR = path.join(PROJECT_ROOT, 'ops', 'prometheus');
const skipReason = prometheusSkipReason();
if (skipReason) console.warn(`promtool tests skipped: ${skipReason}.`);
const withPromtool = skipReason ? test.skip : test;

jest.setTimeout(120_000);

beforeAll(async () => {
  if (!skipReason) await ensurePrometheus();
});

/** Runs promtool in ops/prometheus (rule paths are relative there) and returns its exit code and output. */
async function promtool(...args: string[]): Promise<{ exitCode: number | undefined; output: string }> {
  const r = await execa('promtool', args, { cwd: PROMETHEUS_DIR, reject: false, all: true, timeout: 30_000 });
  return { exitCode: r.exitCode, output: `promtool ${args.join(' ')} (exit ${r.exitCode ?? r.signal}):\n${r.all}` };
}

/** Passes when promtool exited 0; otherwise fails showing everything promtool printed. */
function expectSuccess(result: { exitCode: number | undefined; output: string }): void {
  if (result.exitCode !== 0) throw new Error(result.output);
}

withPromtool('promtool check config: prometheus.yml and the rule files it loads are valid', async () => {
  const result = await promtool('check', 'config', 'prometheus.yml');
  expectSuccess(result);
  // The rule file is really loaded from the config, not merely present on disk.
  expect(result.output).toMatch(/Checking rules\/rwsplit-alerts\.yml\s+SUCCESS: \d+ rules found/);
});

withPromtool('promtool check rules: every alert rule is valid', async () => {
  expectSuccess(await promtool('check', 'rules', 'rules/rwsplit-alerts.yml'));
});

withPromtool('promtool test rules: each alert fires, and does not fire, on its hand-written series', async () => {
  const result = await promtool('test', 'rules', 'rules/rwsplit-alerts.test.yml');
  expectSuccess(result);
  expect(result.output).toMatch(/SUCCESS/);
});

withPromtool('a broken expectation makes promtool fail, with its output in the error', async () => {
  // Guards the harness itself: a unit test that cannot fail proves nothing. The target is down for 5m, so
  // RwsplitMetricsDown fires, yet this test expects no alert.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rwsplit-promtool-'));
  try {
    const testFile = path.join(dir, 'broken.test.yml');
    await fs.writeFile(
      testFile,
      [
        `rule_files: [${JSON.stringify(path.join(PROMETHEUS_DIR, 'rules', 'rwsplit-alerts.yml'))}]`,
        'tests:',
        '  - interval: 1m',
        '    input_series: [{ series: \'up{job="rwsplit",instance="a"}\', values: \'0x5\' }]',
        '    alert_rule_test: [{ eval_time: 5m, alertname: RwsplitMetricsDown, exp_alerts: [] }]',
      ].join('\n'),
    );
    const result = await promtool('test', 'rules', testFile);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toMatch(/FAILED[\s\S]*alertname: RwsplitMetricsDown/);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
