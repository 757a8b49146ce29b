// Small shared pieces of the hand-written SVG charts: escaping, number formatting, axis ticks, colours.

/** Escapes text for XML/HTML content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * A figure as the report prints it: thousands separators from 1,000, fewer decimals as numbers grow, three
 * decimals below 1 (sub-millisecond latencies). The same function formats charts and tables, so they agree.
 * @example formatNumber(12345.6) === '12,346'; formatNumber(0.1234) === '0.123'
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = Number.isInteger(value) || abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** An axis tick, kept short: 1500 → "1.5k", 2000000 → "2M", 0.25 → "0.25". */
export function formatTick(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (abs >= 1e3) return `${Number((value / 1e3).toPrecision(3))}k`;
  return Number(value.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** A value for a `data-value` attribute: the exact number, so tests and scripts can read it back. */
export const dataValue = (value: number): string => String(value);

/** Round tick values covering [min, max] (steps of 1, 2 or 5 × 10^k), about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let t = Math.floor(min / step) * step; t <= max + step * 1e-9; t += step) {
    ticks.push(Number(t.toPrecision(12)));
  }
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

/** Decade ticks (…0.1, 1, 10…) covering [min, max] for a log scale; min must be > 0. */
export function decadeTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(max)));
  return Array.from({ length: hi - lo + 1 }, (_, i) => Number((10 ** (lo + i)).toPrecision(12)));
}

/** Colour-blind-friendly palette (Okabe–Ito), in series order. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

export const colour = (index: number): string => PALETTE[index % PALETTE.length]!;

/** The opening tag of a chart: a titled, accessible, self-sized SVG. */
export function svgOpen(kind: string, width: number, height: number, title: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" data-chart="${escapeXml(kind)}" ` +
    `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" ` +
    `aria-label="${escapeXml(title)}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">` +
    `<title>${escapeXml(title)}</title>` +
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(title)}</text>`
  );
}

/** A legend row of coloured swatches, starting at (x, y). */
export function legend(
  names: readonly string[],
  x: number,
  y: number,
  colours: readonly string[],
  maxX = Infinity,
): string {
  return legendLayout(names, x, maxX)
    .map(({ dx, row }, i) => {
      const [ix, iy] = [x + dx, y + row * LEGEND_ROW_HEIGHT];
      const name = names[i]!;
      return (
        `<g class="legend-item" data-series="${escapeXml(name)}">` +
        `<rect x="${ix}" y="${iy - 9}" width="12" height="12" rx="2" fill="${colours[i]}"/>` +
        `<text x="${ix + 17}" y="${iy + 1}">${escapeXml(name)}</text></g>`
      );
    })
    .join('');
}

/** Vertical distance between legend rows. */
export const LEGEND_ROW_HEIGHT = 18;

const itemWidth = (name: string) => 17 + Math.max(40, name.length * 7 + 16);

/** Where each legend item goes: items fill a row up to `maxX`, then wrap (a single-row legend never wraps). */
export function legendLayout(names: readonly string[], x: number, maxX = Infinity): { dx: number; row: number }[] {
  let dx = 0;
  let row = 0;
  return names.map((name) => {
    if (dx > 0 && x + dx + itemWidth(name) - 16 > maxX) {
      dx = 0;
      row++;
    }
    const at = { dx, row };
    dx += itemWidth(name);
    return at;
  });
}

/** Rows the legend takes within `maxX` (1 for an empty one). */
export function legendRows(names: readonly string[], x: number, maxX = Infinity): number {
  return Math.max(0, ...legendLayout(names, x, maxX).map((p) => p.row)) + 1;
}
