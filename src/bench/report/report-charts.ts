// The report's charts, each built from ReportData by one small function: a vega-lite spec, rendered to SVG.
import { type BarGroup, barChartSpec, lineChartSpec } from './chart-specs';
import type { ReportData } from './report-data';
import { vegaSvg } from './vega-svg';

export interface Chart {
  /** Machine name, also the svg's data-chart attribute. */
  readonly kind: string;
  readonly title: string;
  /** The SVG, or null when there is nothing to draw (the page then says why). */
  readonly svg: string | null;
  /** Shown instead of the chart when `svg` is null. */
  readonly empty: string;
}

/** Latency per path: p50, p95 and p99 bars (log scale when they span orders of magnitude). */
export async function latencyChart(data: ReportData): Promise<Chart> {
  const title = 'Latency per path (ms): p50, p95, p99';
  const groups: BarGroup[] = data.paths.map((p) => ({
    label: p.name,
    bars: [
      { series: 'p50', value: p.p50Ms },
      { series: 'p95', value: p.p95Ms },
      { series: 'p99', value: p.p99Ms },
    ],
  }));
  const spec = barChartSpec({ title, unit: 'ms', groups, series: ['p50', 'p95', 'p99'] });
  return {
    kind: 'latency',
    title,
    svg: groups.length ? await vegaSvg('latency', title, spec) : null,
    empty: 'No paths were measured.',
  };
}

/** Latency histograms, one line per path that has one (count per latency bucket). */
export async function histogramChart(data: ReportData): Promise<Chart | null> {
  const withHistogram = data.paths.filter((p) => p.histogram && p.histogram.length > 0);
  if (withHistogram.length === 0) return null;
  const title = 'Latency histogram per path';
  const spec = lineChartSpec({
    title,
    xLabel: 'latency (ms, bucket upper bound)',
    yLabel: 'operations',
    logX: true,
    series: withHistogram.map((p) => ({
      name: p.name,
      points: (p.histogram ?? []).map((b) => ({ x: b.upperMs, y: b.count })),
    })),
  });
  return { kind: 'latency-histogram', title, svg: await vegaSvg('latency-histogram', title, spec), empty: '' };
}

/** Throughput per path, with the baselines as their own bars (the limit lines). */
export async function throughputChart(data: ReportData): Promise<Chart> {
  const title = 'Throughput (operations per second)';
  const groups: BarGroup[] = data.paths.map((p) => ({ label: p.name, bars: [{ series: 'path', value: p.opsPerSec }] }));
  if (data.baselines) {
    const pgbench = data.baselines.pgbench.available ? data.baselines.pgbench.runs : [];
    for (const b of pgbench) {
      groups.push({ label: `pgbench ${b.workload}`, bars: [{ series: 'pgbench', value: b.opsPerSec }] });
    }
    for (const b of data.baselines.rawPg) {
      groups.push({ label: `raw pg ${b.workload}`, bars: [{ series: 'raw pg', value: b.opsPerSec }] });
    }
  }
  const spec = barChartSpec({ title, unit: 'ops/s', groups, series: ['path', 'pgbench', 'raw pg'], scale: 'linear' });
  return {
    kind: 'throughput',
    title,
    svg: groups.length ? await vegaSvg('throughput', title, spec) : null,
    empty: 'No paths were measured.',
  };
}

/** Replica lag over the run, one line per node, in ms or in bytes. */
export async function lagChart(data: ReportData, field: 'lagMs' | 'lagBytes'): Promise<Chart> {
  const kind = field === 'lagMs' ? 'lag-ms' : 'lag-bytes';
  const title = field === 'lagMs' ? 'Replica lag over the run (ms)' : 'Replica lag over the run (bytes of WAL)';
  const hasPoints = data.lagSeries.some((s) => s.points.some((p) => p[field] !== null));
  const spec = lineChartSpec({
    title,
    xLabel: 'time since the start of the run (ms)',
    yLabel: field === 'lagMs' ? 'lag (ms)' : 'lag (bytes)',
    series: data.lagSeries.map((s) => ({ name: s.node, points: s.points.map((p) => ({ x: p.tMs, y: p[field] })) })),
  });
  return {
    kind,
    title,
    svg: hasPoints ? await vegaSvg(kind, title, spec) : null,
    empty: 'No lag samples were recorded during this run.',
  };
}

/** Reads served per node during the run. */
export async function readsChart(data: ReportData): Promise<Chart> {
  const title = 'Reads per node';
  const groups: BarGroup[] = data.readsPerNode.map((n) => ({
    label: n.node,
    bars: [{ series: 'reads', value: n.reads }],
  }));
  const spec = barChartSpec({ title, unit: 'reads', groups, series: ['reads'], scale: 'linear' });
  return {
    kind: 'reads-per-node',
    title,
    svg: groups.length ? await vegaSvg('reads-per-node', title, spec) : null,
    empty: 'No reads were counted per node.',
  };
}

/** Every chart of the report, in page order. */
export async function reportCharts(data: ReportData): Promise<Chart[]> {
  const histogram = await histogramChart(data);
  return [
    await latencyChart(data),
    ...(histogram ? [histogram] : []),
    await throughputChart(data),
    await lagChart(data, 'lagMs'),
    await lagChart(data, 'lagBytes'),
    await readsChart(data),
  ];
}
