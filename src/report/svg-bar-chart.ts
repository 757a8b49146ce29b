// A horizontal (grouped) bar chart as an SVG string: one group per label, one bar per series in the group.
// Every bar and its printed value carry data-group / data-series / data-value, so the numbers can be read back.
import {
  colour,
  dataValue,
  decadeTicks,
  escapeXml,
  formatNumber,
  formatTick,
  legend,
  niceTicks,
  svgOpen,
} from './svg-common';

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
  /** Machine name of the chart, e.g. `latency` (the svg's data-chart). */
  readonly kind: string;
  readonly title: string;
  /** Unit printed after each value and under the axis, e.g. `ms`. */
  readonly unit: string;
  readonly groups: readonly BarGroup[];
  /** Series in legend order; series not listed are appended as met. */
  readonly series?: readonly string[];
  /** `auto` (default) uses a log scale when the largest value is over 50× the smallest positive one. */
  readonly scale?: 'linear' | 'log' | 'auto';
  /** Total width in px. Default 760. */
  readonly width?: number;
}

const BAR_HEIGHT = 16;
const BAR_GAP = 3;
const GROUP_GAP = 12;

/** Renders the chart. Pure: same options, same string. */
export function svgBarChart(options: BarChartOptions): string {
  const width = options.width ?? 760;
  const series = [...(options.series ?? [])];
  for (const g of options.groups) for (const b of g.bars) if (!series.includes(b.series)) series.push(b.series);
  const colours = series.map((_, i) => colour(i));
  const colourOf = (name: string) => colours[series.indexOf(name)]!;

  const values = options.groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => Number.isFinite(v));
  const positive = values.filter((v) => v > 0);
  const max = Math.max(0, ...values);
  const minPositive = positive.length ? Math.min(...positive) : 1;
  const log = options.scale === 'log' || (options.scale !== 'linear' && positive.length > 1 && max / minPositive > 50);

  const labelWidth = Math.min(220, 12 + 7 * Math.max(4, ...options.groups.map((g) => g.label.length)));
  const left = labelWidth + 8;
  const right = width - 96; // room for the value printed after the longest bar
  const top = 34 + (series.length > 1 ? 24 : 0);
  const groupHeights = options.groups.map((g) => g.bars.length * (BAR_HEIGHT + BAR_GAP) - BAR_GAP);
  const plotHeight = groupHeights.reduce((a, h) => a + h + GROUP_GAP, 0) || BAR_HEIGHT;
  const height = top + plotHeight + 44;

  const ticks = log ? decadeTicks(minPositive, max) : niceTicks(0, max > 0 ? max : 1);
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const x = (v: number): number => {
    if (log)
      return v <= 0
        ? left
        : left + ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (right - left);
    return left + (v / hi) * (right - left);
  };

  const parts = [svgOpen(options.kind, width, height, options.title)];
  if (series.length > 1) parts.push(legend(series, left, 44, colours));
  const axisY = top + plotHeight;
  for (const t of ticks) {
    const tx = x(t).toFixed(1);
    parts.push(
      `<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${axisY}" stroke="#ddd"/>` +
        `<text x="${tx}" y="${axisY + 16}" text-anchor="middle" fill="#555">${escapeXml(formatTick(t))}</text>`,
    );
  }
  parts.push(`<line x1="${left}" y1="${top - 4}" x2="${left}" y2="${axisY}" stroke="#333"/>`);
  parts.push(
    `<text x="${(left + right) / 2}" y="${axisY + 34}" text-anchor="middle" fill="#333">` +
      `${escapeXml(options.unit)}${log ? ' (log scale)' : ''}</text>`,
  );

  let y = top;
  options.groups.forEach((group, gi) => {
    const groupTop = y;
    parts.push(
      `<text class="bar-label" x="${left - 8}" y="${(groupTop + groupHeights[gi]! / 2 + 4).toFixed(1)}" ` +
        `text-anchor="end">${escapeXml(group.label)}</text>`,
    );
    for (const bar of group.bars) {
      const w = Math.max(0, x(bar.value) - left);
      const attrs = `data-group="${escapeXml(group.label)}" data-series="${escapeXml(bar.series)}"`;
      parts.push(
        `<rect class="bar" ${attrs} data-value="${dataValue(bar.value)}" x="${left}" y="${y}" ` +
          `width="${Math.max(w, 1).toFixed(1)}" height="${BAR_HEIGHT}" rx="2" fill="${colourOf(bar.series)}"/>` +
          `<text class="bar-value" ${attrs} x="${(left + w + 5).toFixed(1)}" y="${y + BAR_HEIGHT - 4}" fill="#222">` +
          `${escapeXml(formatNumber(bar.value))}</text>`,
      );
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += GROUP_GAP - BAR_GAP;
  });
  parts.push('</svg>');
  return parts.join('');
}
