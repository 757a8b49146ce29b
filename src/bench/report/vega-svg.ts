// Renders a vega-lite spec to a self-contained SVG string in Node (vega's headless SVG renderer: no DOM, no
// canvas, no network, since every spec carries its data inline), tagged with the chart's machine name.
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { escapeXml } from './escape-xml';

/**
 * The chart as `<svg data-chart="kind" role="img" aria-label="title">…</svg>`: the attributes let the page's
 * readers (and its tests) find each chart; vega keeps an aria-label on every mark, which carries its figures.
 * @example await vegaSvg('latency', 'Latency per path', spec)
 */
export async function vegaSvg(kind: string, title: string, spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    if (!svg.startsWith('<svg ')) throw new Error(`vega rendered something other than an svg for chart ${kind}.`);
    const open = svg.indexOf('>') + 1;
    return (
      `<svg data-chart="${escapeXml(kind)}" role="img" aria-label="${escapeXml(title)}" ${svg.slice(5, open)}` +
      `<title>${escapeXml(title)}</title>${svg.slice(open)}`
    );
  } finally {
    view.finalize();
  }
}
