// A line chart as an SVG string: one line per series over a shared x axis; null values break the line (e.g. a
// node that was down). Each line carries data-series / data-points / data-max so its figures can be read back.
import {
  colour,
  dataValue,
  decadeTicks,
  escapeXml,
  formatNumber,
  formatTick,
  legend,
  LEGEND_ROW_HEIGHT,
  legendRows,
  niceTicks,
  svgOpen,
} from './svg-common';

export interface LinePoint {
  readonly x: number;
  readonly y: number | null;
}

export interface LineSeries {
  readonly name: string;
  readonly points: readonly LinePoint[];
}

export interface LineChartOptions {
  /** Machine name of the chart (the svg's data-chart). */
  readonly kind: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  /** Log scale on x (for latency histograms). Default false. */
  readonly logX?: boolean;
  /** Marks each point with a dot when a series has at most this many points. Default 60. */
  readonly dotsUpTo?: number;
  readonly width?: number;
  readonly height?: number;
}

const MARGIN = { left: 72, right: 24, bottom: 48 };

const maxOf = (s: LineSeries) => Math.max(0, ...s.points.map((p) => p.y ?? 0));

/** Renders the chart. Pure: same options, same string. */
export function svgLineChart(options: LineChartOptions): string {
  const width = options.width ?? 760;
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const names = options.series.map((s) => `${s.name} (max ${formatNumber(maxOf(s))})`);
  // A legend too wide for one row wraps; the chart grows by the extra rows instead of squeezing the plot.
  const extraRows = names.length > 0 ? legendRows(names, left, right) - 1 : 0;
  const height = (options.height ?? 320) + extraRows * LEGEND_ROW_HEIGHT;
  const top = 34 + (options.series.length > 0 ? 24 : 0) + extraRows * LEGEND_ROW_HEIGHT;
  const bottom = height - MARGIN.bottom;
  const colours = options.series.map((_, i) => colour(i));

  const points = options.series.flatMap((s) => s.points);
  const xs = points.map((p) => p.x).filter((v) => Number.isFinite(v) && (!options.logX || v > 0));
  const ys = points.map((p) => p.y).filter((v): v is number => v !== null && Number.isFinite(v));
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(...xs) : 1;
  const yMax = ys.length ? Math.max(...ys) : 0;

  const xTicks = options.logX
    ? decadeTicks(xMin > 0 ? xMin : 1, Math.max(xMax, xMin * 10))
    : niceTicks(xMin, xMax > xMin ? xMax : xMin + 1);
  const yTicks = niceTicks(0, yMax > 0 ? yMax : 1, 4);
  const [x0, x1] = [xTicks[0]!, xTicks[xTicks.length - 1]!];
  const y1 = yTicks[yTicks.length - 1]!;
  const sx = (v: number) =>
    options.logX
      ? left + ((Math.log10(v) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0))) * (right - left)
      : left + ((v - x0) / (x1 - x0)) * (right - left);
  const sy = (v: number) => bottom - (v / y1) * (bottom - top);

  const parts = [svgOpen(options.kind, width, height, options.title)];
  parts.push(legend(names, left, 44, colours, right));
  for (const t of yTicks) {
    const ty = sy(t).toFixed(1);
    parts.push(
      `<line x1="${left}" y1="${ty}" x2="${right}" y2="${ty}" stroke="#e3e3e3"/>` +
        `<text x="${left - 6}" y="${Number(ty) + 4}" text-anchor="end" fill="#555">${escapeXml(formatTick(t))}</text>`,
    );
  }
  for (const t of xTicks) {
    const tx = sx(t).toFixed(1);
    parts.push(
      `<line x1="${tx}" y1="${bottom}" x2="${tx}" y2="${bottom + 4}" stroke="#333"/>` +
        `<text x="${tx}" y="${bottom + 17}" text-anchor="middle" fill="#555">${escapeXml(formatTick(t))}</text>`,
    );
  }
  parts.push(
    `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#333"/>` +
      `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#333"/>` +
      `<text x="${(left + right) / 2}" y="${height - 10}" text-anchor="middle" fill="#333">` +
      `${escapeXml(options.xLabel)}${options.logX ? ' (log scale)' : ''}</text>` +
      `<text x="16" y="${(top + bottom) / 2}" text-anchor="middle" fill="#333" ` +
      `transform="rotate(-90 16 ${(top + bottom) / 2})">${escapeXml(options.yLabel)}</text>`,
  );

  options.series.forEach((s, i) => {
    const usable = s.points.filter((p) => Number.isFinite(p.x) && (!options.logX || p.x > 0));
    let d = '';
    let pen = false;
    for (const p of usable) {
      if (p.y === null || !Number.isFinite(p.y)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${sx(p.x).toFixed(1)} ${sy(p.y).toFixed(1)}`;
      pen = true;
    }
    const known = usable.filter((p) => p.y !== null).length;
    const attrs = `data-series="${escapeXml(s.name)}"`;
    parts.push(
      `<path class="line" ${attrs} data-points="${known}" data-max="${dataValue(maxOf(s))}" ` +
        `d="${d || 'M0 0'}" fill="none" stroke="${colours[i]}" stroke-width="2" stroke-linejoin="round"/>`,
    );
    if (known <= (options.dotsUpTo ?? 60)) {
      for (const p of usable) {
        if (p.y === null) continue;
        parts.push(
          `<circle class="point" ${attrs} data-x="${dataValue(p.x)}" data-y="${dataValue(p.y)}" ` +
            `cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="2.5" fill="${colours[i]}"/>`,
        );
      }
    }
  });
  parts.push('</svg>');
  return parts.join('');
}
