// The report's two kinds of chart as vega-lite specs: grouped horizontal bars and lines. Each mark's aria-label
// (vega-lite's description channel) names its figure with the exact number, so the figures can be read back
// from the rendered SVG and checked against report.json.
import type { TopLevelSpec } from 'vega-lite';
import { formatNumber } from './format-number';

/** Colour-blind-friendly palette (Okabe–Ito), in series order. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

const FONT = "system-ui, -apple-system, 'Segoe UI', sans-serif";
const WIDTH = 600;

const config = {
  font: FONT,
  title: { fontSize: 15, anchor: 'middle' as const },
  axis: { labelFontSize: 11, labelLimit: 320, titleFontSize: 12, titleFontWeight: 'normal' as const },
  legend: {
    labelFontSize: 12,
    labelLimit: 480,
    titleFontSize: 12,
    orient: 'top' as const,
    direction: 'horizontal' as const,
    // Many series wrap onto more rows instead of widening the chart past the page.
    columns: 4,
  },
  range: { category: PALETTE },
  view: { stroke: null },
};

export interface Bar {
  /** Series name; decides the colour and the legend entry. */
  readonly series: string;
  readonly value: number;
}

export interface BarGroup {
  /** Label shown left of the group, e.g. a path or node name. */
  readonly label: string;
  readonly bars: readonly Bar[];
}

export interface BarChartOptions {
  readonly title: string;
  /** Unit under the axis, e.g. `ms`. */
  readonly unit: string;
  readonly groups: readonly BarGroup[];
  /** Series in legend order; series not listed are appended as met. */
  readonly series?: readonly string[];
  /** `auto` (default) uses a log scale when the largest value is over 50× the smallest positive one. */
  readonly scale?: 'linear' | 'log' | 'auto';
}

/** A bar's aria-label: `group · series: value` with the exact value. */
export const barLabel = (group: string, series: string, value: number): string => `${group} · ${series}: ${value}`;

/** Whether the bars get a log axis: asked for, or values spanning over 50× under `auto`. */
export function useLogScale(values: readonly number[], scale: BarChartOptions['scale'] = 'auto'): boolean {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  if (scale !== 'auto') return scale === 'log' && positive.length > 0;
  return positive.length > 1 && Math.max(...positive) / Math.min(...positive) > 50;
}

/** Grouped horizontal bars: one row per group, one bar per series in it, its value printed after it. */
export function barChartSpec(options: BarChartOptions): TopLevelSpec {
  const series = [...(options.series ?? [])];
  for (const g of options.groups) for (const b of g.bars) if (!series.includes(b.series)) series.push(b.series);
  const values = options.groups.flatMap((g) =>
    g.bars.map((b) => ({
      group: g.label,
      series: b.series,
      value: b.value,
      text: formatNumber(b.value),
      label: barLabel(g.label, b.series, b.value),
    })),
  );
  const log = useLogScale(
    values.map((v) => v.value),
    options.scale,
  );
  const smallest = Math.min(...values.map((v) => v.value).filter((v) => v > 0));
  // A log axis has no zero: bars start at the axis' left end (stack off), and a value ≤ 0 draws no bar.
  const x = {
    field: 'value',
    type: 'quantitative' as const,
    title: `${options.unit}${log ? ' (log scale)' : ''}`,
    // The log axis starts below the smallest value, so even the shortest bar shows.
    scale: log ? { type: 'log' as const, domainMin: smallest / 2 } : { type: 'linear' as const, zero: true },
    stack: null,
  };
  const y = { field: 'group', type: 'nominal' as const, title: null, sort: null };
  const shown = series.filter((s) => values.some((v) => v.series === s));
  return {
    title: options.title,
    width: WIDTH,
    height: { step: 18 },
    // Room on the right for the value printed after the longest bar.
    padding: { left: 5, top: 5, bottom: 5, right: 60 },
    data: { values },
    config,
    // Series side by side within a group only when a group has several (else one bar per row, no empty slots).
    encoding: {
      y,
      x,
      ...(options.groups.some((g) => g.bars.length > 1) ? { yOffset: { field: 'series', sort: shown } } : {}),
    },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 2 },
        encoding: {
          color: {
            field: 'series',
            type: 'nominal',
            title: null,
            sort: shown,
            scale: { domain: shown },
            legend: shown.length > 1 ? {} : null,
          },
          description: { field: 'label' },
        },
      },
      { mark: { type: 'text', align: 'left', dx: 4, aria: false }, encoding: { text: { field: 'text' } } },
    ],
  };
}

export interface LinePoint {
  readonly x: number;
  readonly y: number | null;
}

export interface LineSeries {
  readonly name: string;
  readonly points: readonly LinePoint[];
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  /** Log scale on x (for latency histograms). Default false. */
  readonly logX?: boolean;
  /** Marks each point with a dot when no series has more points than this. Default 60. */
  readonly dotsUpTo?: number;
}

/** The figures of a line, for its aria-label: its points with a value and the largest value. */
export function lineSummary(s: LineSeries): { points: number; max: number } {
  const known = s.points.filter((p) => p.y !== null && Number.isFinite(p.y)).map((p) => p.y!);
  return { points: known.length, max: Math.max(0, ...known) };
}

/** A line's aria-label: `series: N points, max M` with the exact max. */
export const lineLabel = (name: string, points: number, max: number): string => `${name}: ${points} points, max ${max}`;

/** One line per series over a shared x axis; a null y breaks its line (e.g. a node that was down). */
export function lineChartSpec(options: LineChartOptions): TopLevelSpec {
  const legendOf = new Map(
    options.series.map((s) => [s.name, `${s.name} (max ${formatNumber(lineSummary(s).max)})`] as const),
  );
  const values = options.series.flatMap((s) => {
    const { points, max } = lineSummary(s);
    return s.points
      .filter((p) => Number.isFinite(p.x) && (!options.logX || p.x > 0))
      .map((p) => ({
        series: legendOf.get(s.name)!,
        x: p.x,
        y: p.y,
        line: lineLabel(s.name, points, max),
        point: `${s.name} at ${p.x}: ${p.y}`,
      }));
  });
  const dots = Math.max(0, ...options.series.map((s) => s.points.length)) <= (options.dotsUpTo ?? 60);
  const names = [...legendOf.values()];
  const color = { field: 'series', type: 'nominal' as const, title: null, sort: names, scale: { domain: names } };
  return {
    title: options.title,
    width: WIDTH,
    height: 240,
    data: { values },
    config,
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: `${options.xLabel}${options.logX ? ' (log scale)' : ''}`,
        scale: options.logX ? { type: 'log' } : { zero: false },
      },
      y: { field: 'y', type: 'quantitative', title: options.yLabel },
      color,
    },
    layer: [
      // A null y breaks the line there instead of joining over the gap (or dropping to zero).
      {
        mark: { type: 'line', strokeWidth: 2, invalid: 'break-paths-show-domains' },
        encoding: { description: { field: 'line' } },
      },
      ...(dots
        ? [{ mark: { type: 'point' as const, filled: true, size: 20 }, encoding: { description: { field: 'point' } } }]
        : []),
    ],
  };
}
