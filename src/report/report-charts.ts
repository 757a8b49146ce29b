// The report's charts, each built from ReportData by one small pure function.
import type { ReportData } from './report-data';
import { svgBarChart, type BarGroup } from './svg-bar-chart';
import { svgLineChart } from './svg-line-chart';

export interface Chart {
  /** Machine name, also the svg's data-chart attribute. */
  readonly kind: string;
  readonly title: string;
  /** The SVG, or null when there is nothing to draw (the page then says why). */
  readonly svg: string | null;
  /** Shown instead of the chart when `svg` is null. */
  readonly empty: string;
}

/** Latency distribution per path: p50, p95 and p99 bars (log scale when they span orders of magnitude). */
export function latencyChart(data: ReportData): Chart {
  const title = 'Latency per path (ms): p50, p95, p99';
  const groups: BarGroup[] = data.paths.map((p) => ({
    label: p.name,
    bars: [
      { series: 'p50', value: p.p50Ms },
      { series: 'p95', value: p.p95Ms },
      { series: 'p99', value: p.p99Ms },
    ],
  }));
  return {
    kind: 'latency',
    title,
    svg: groups.length
      ? svgBarChart({ kind: 'latency', title, unit: 'ms', groups, series: ['p50', 'p95', 'p99'] })
      : null,
    empty: 'No paths were measured.',
  };
}

/** Latency histograms, one line per path that has one (count per latency bucket). */
export function histogramChart(data: ReportData): Chart | null {
  const withHistogram = data.paths.filter((p) => p.histogram && p.histogram.length > 0);
  if (withHistogram.length === 0) return null;
  const title = 'Latency histogram per path';
  return {
    kind: 'latency-histogram',
    title,
    svg: svgLineChart({
      kind: 'latency-histogram',
      title,
      xLabel: 'latency (ms, bucket upper bound)',
      yLabel: 'operations',
      logX: true,
      series: withHistogram.map((p) => ({
        name: p.name,
        points: (p.histogram ?? []).map((b) => ({ x: b.upperMs, y: b.count })),
      })),
    }),
    empty: '',
  };
}

/** Throughput per path, with the baselines as their own bars (the limit lines). */
export function throughputChart(data: ReportData): Chart {
  const title = 'Throughput (operations per second)';
  const groups: BarGroup[] = data.paths.map((p) => ({ label: p.name, bars: [{ series: 'path', value: p.opsPerSec }] }));
  if (data.baselines) {
    const pgbench = data.baselines.pgbench.available ? data.baselines.pgbench.runs : [];
    for (const b of pgbench)
      groups.push({ label: `pgbench ${b.workload}`, bars: [{ series: 'pgbench', value: b.opsPerSec }] });
    for (const b of data.baselines.rawPg) {
      groups.push({ label: `raw pg ${b.workload}`, bars: [{ series: 'raw pg', value: b.opsPerSec }] });
    }
  }
  return {
    kind: 'throughput',
    title,
    svg: groups.length
      ? svgBarChart({
          kind: 'throughput',
          title,
          unit: 'ops/s',
          groups,
          series: ['path', 'pgbench', 'raw pg'],
          scale: 'linear',
        })
      : null,
    empty: 'No paths were measured.',
  };
}

/** Replica lag over the run, one line per node, in ms or in bytes. */
export function lagChart(data: ReportData, field: 'lagMs' | 'lagBytes'): Chart {
  const kind = field === 'lagMs' ? 'lag-ms' : 'lag-bytes';
  const title = field === 'lagMs' ? 'Replica lag over the run (ms)' : 'Replica lag over the run (bytes of WAL)';
  const hasPoints = data.lagSeries.some((s) => s.points.some((p) => p[field] !== null));
  return {
    kind,
    title,
    svg: hasPoints
      ? svgLineChart({
          kind,
          title,
          xLabel: 'time since the start of the run (ms)',
          yLabel: field === 'lagMs' ? 'lag (ms)' : 'lag (bytes)',
          series: data.lagSeries.map((s) => ({
            name: s.node,
            points: s.points.map((p) => ({ x: p.tMs, y: p[field] })),
          })),
        })
      : null,
    empty: 'No lag samples were recorded during this run.',
  };
}

/** Reads served per node during the run. */
export function readsChart(data: ReportData): Chart {
  const title = 'Reads per node';
  const groups: BarGroup[] = data.readsPerNode.map((n) => ({
    label: n.node,
    bars: [{ series: 'reads', value: n.reads }],
  }));
  return {
    kind: 'reads-per-node',
    title,
    svg: groups.length
      ? svgBarChart({ kind: 'reads-per-node', title, unit: 'reads', groups, series: ['reads'], scale: 'linear' })
      : null,
    empty: 'No reads were counted per node.',
  };
}

/** Every chart of the report, in page order. */
export function reportCharts(data: ReportData): Chart[] {
  const histogram = histogramChart(data);
  return [
    latencyChart(data),
    ...(histogram ? [histogram] : []),
    throughputChart(data),
    lagChart(data, 'lagMs'),
    lagChart(data, 'lagBytes'),
    readsChart(data),
  ];
}
