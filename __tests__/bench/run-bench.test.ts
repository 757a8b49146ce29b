// The bench on the real cluster, with tiny numbers: the report's shape and sanity, not its speed.
import { formatBenchReport } from '../../src/bench/format-bench-report';
import { runBench } from '../../src/bench/run-bench';
import { loadConfig } from '../../src/config';

const config = loadConfig();

test('measures every path and returns a JSON-serialisable report with positive figures', async () => {
  const lines: string[] = [];
  const report = await runBench(config, {
    iterations: 20,
    warmup: 2,
    concurrency: 2,
    rows: 100,
    fallbackIterations: 3,
    commitToVisibleSamples: 5,
    log: (l) => lines.push(l),
  });
  expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  const names = report.paths.map((p) => p.name);
  expect(names).toEqual(
    expect.arrayContaining(['prisma-read', 'pg-read', 'prisma-write', 'pg-write', 'commit-to-visible']),
  );
  // The fallback path either ran or says why not; it never silently disappears.
  const fallbackRan = names.some((n) => n.startsWith('fallback-write-'));
  expect(fallbackRan || report.skipped.some((s) => s.name === 'fallback-write')).toBe(true);
  for (const p of report.paths) {
    const expected = p.name === 'commit-to-visible' ? 5 : p.name.startsWith('fallback-write-') ? 3 : 20;
    expect(p.samples).toBe(expected);
    for (const v of [p.p50Ms, p.p95Ms, p.p99Ms, p.meanMs, p.opsPerSec, p.wallMs]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
    }
    expect(p.p50Ms).toBeLessThanOrEqual(p.p95Ms);
    expect(p.p95Ms).toBeLessThanOrEqual(p.p99Ms);
    expect(p.minMs).toBeLessThanOrEqual(p.p50Ms);
  }
  expect(report.ratios.map((r) => r.name)).toEqual(
    expect.arrayContaining(['Prisma read vs raw pg read', 'Prisma write vs raw pg write']),
  );
  expect(report.environment.replicas).toBe(config.replicaUrls.length);
  expect(report.environment.tableRows).toBeGreaterThanOrEqual(100);
  expect(report.environment.postgres).toMatch(/^\d+/);
  expect(report.environment.primary).not.toContain(config.cluster.appPassword);
  expect(lines.some((l) => l.startsWith('prisma-read:'))).toBe(true);

  const text = formatBenchReport(report);
  for (const name of names) expect(text).toContain(name);
  expect(text).toContain('p99 ms');
  expect(text).not.toContain(config.cluster.appPassword);
});
