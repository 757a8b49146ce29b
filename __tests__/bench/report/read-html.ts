// Reads figures back out of report HTML (as written, or as Chromium serialised it) by their data- attributes.

/** Attributes of every element with this tag that carries all of `attrs`. */
export function elements(html: string, tag: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  for (const m of html.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'g'))) {
    const attrs: Record<string, string> = {};
    for (const a of m[1]!.matchAll(/([a-zA-Z-:]+)="([^"]*)"/g)) attrs[a[1]!] = unescape(a[2]!);
    found.push(attrs);
  }
  return found;
}

/** The text of each `<td>` with data-path/data-field, keyed `path|field`. */
export function figureCells(html: string): Map<string, { value: number | null; text: string }> {
  const cells = new Map<string, { value: number | null; text: string }>();
  for (const m of html.matchAll(/<td ([^>]*data-field="[^"]*"[^>]*)>([^<]*)<\/td>/g)) {
    const attrs = Object.fromEntries(
      [...m[1]!.matchAll(/([a-zA-Z-]+)="([^"]*)"/g)].map((a) => [a[1]!, unescape(a[2]!)]),
    );
    cells.set(`${attrs['data-path']}|${attrs['data-field']}`, {
      value: attrs['data-value'] === undefined ? null : Number(attrs['data-value']),
      text: unescape(m[2]!),
    });
  }
  return cells;
}

/** Each section cell's text and data-value, keyed `section|column|row` (rows counted from 0). */
export function sectionCells(html: string): Map<string, { value: string | undefined; text: string }> {
  const cells = new Map<string, { value: string | undefined; text: string }>();
  const rowCounts = new Map<string, number>();
  for (const m of html.matchAll(/<td ([^>]*data-section="[^"]*"[^>]*)>([^<]*)<\/td>/g)) {
    const attrs = Object.fromEntries([...m[1]!.matchAll(/([a-z-]+)="([^"]*)"/g)].map((a) => [a[1]!, unescape(a[2]!)]));
    const key = `${attrs['data-section']}|${attrs['data-column']}`;
    const row = rowCounts.get(key) ?? 0;
    rowCounts.set(key, row + 1);
    cells.set(`${key}|${row}`, { value: attrs['data-value'], text: unescape(m[2]!) });
  }
  return cells;
}

/** A mark of a chart: what vega calls it (`bar`, `line mark`, `point`), its aria-label and its path. */
export interface ChartMark {
  readonly role: string;
  readonly label: string;
  readonly d: string;
}

/** The marks of the chart `kind` (its first svg), read from their aria-labels. */
export function chartMarks(html: string, kind: string): ChartMark[] {
  const start = html.search(new RegExp(`<svg\\b[^>]*data-chart="${kind.replace(/[^\w-]/g, '\\$&')}"`));
  if (start < 0) return [];
  const svg = html.slice(start, html.indexOf('</svg>', start));
  return elements(svg, 'path')
    .filter((p) => p.role === 'graphics-symbol' && p['aria-label'] !== undefined)
    .map((p) => ({ role: p['aria-roledescription'] ?? '', label: p['aria-label']!, d: p.d ?? '' }));
}

/** The svg elements' data-chart values, in order. */
export function chartKinds(html: string): string[] {
  return [...html.matchAll(/<svg\b[^>]*data-chart="([^"]*)"/g)].map((m) => m[1]!);
}

export function unescape(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
