// report.html: one self-contained page (inline CSS and SVG, no scripts, no external assets) with the charts and
// the figures. Every figure cell carries data-path / data-field / data-value so it can be checked against JSON.
// The charts are vega-lite specs rendered to SVG when the page is written, so it needs no script to show them.
import type { ReportBaseline, ReportData, ReportPath } from './report-data';
import { type Chart, reportCharts } from './report-charts';
import { baselineNote, pathRatios } from './report-figures';
import { renderSections } from './render-report-sections';
import { escapeXml } from './escape-xml';
import { dataValue, formatNumber } from './format-number';

const CSS = `
  body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 24px auto; max-width: 1100px;
         color: #222; padding: 0 16px; }
  h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 32px; }
  .meta { color: #666; margin-top: 0; }
  .note { background: #fff7e0; border-left: 4px solid #E69F00; padding: 8px 12px; margin: 12px 0; }
  table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
  th, td { border-bottom: 1px solid #e3e3e3; padding: 4px 10px; text-align: left; }
  th { background: #f5f5f5; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .charts { display: flex; flex-wrap: wrap; gap: 16px; }
  figure.chart { margin: 0; border: 1px solid #e3e3e3; border-radius: 6px; padding: 8px; background: #fff; }
  figure.chart svg { display: block; max-width: 100%; height: auto; }
  .empty { color: #888; font-style: italic; padding: 24px; }
`;

const num = (v: number | null | undefined, suffix = '') =>
  v === null || v === undefined ? '—' : `${formatNumber(v)}${suffix}`;

function cell(path: string, field: string, value: number | null, suffix = ''): string {
  const data = value === null ? '' : ` data-value="${dataValue(value)}"`;
  return `<td class="num" data-path="${escapeXml(path)}" data-field="${field}"${data}>${escapeXml(num(value, suffix))}</td>`;
}

function pathsTable(data: ReportData): string {
  const head =
    '<tr><th>path</th><th>workload</th><th class="num">samples</th><th class="num">p50 ms</th><th class="num">p95 ms</th>' +
    '<th class="num">p99 ms</th><th class="num">p99.9 ms</th><th class="num">mean ms</th><th class="num">ops/s</th>' +
    '<th class="num">ops/s ÷ pgbench</th><th class="num">ops/s ÷ raw pg</th>' +
    '<th class="num">mean ÷ pgbench</th><th class="num">mean ÷ raw pg</th></tr>';
  const rows = data.paths.map((p: ReportPath) => {
    const r = pathRatios(data, p);
    const title = p.description ? ` title="${escapeXml(p.description)}"` : '';
    return (
      `<tr data-path="${escapeXml(p.name)}"><td${title}>${escapeXml(p.name)}</td><td>${escapeXml(p.workload ?? '—')}</td>` +
      cell(p.name, 'samples', p.samples) +
      cell(p.name, 'p50Ms', p.p50Ms) +
      cell(p.name, 'p95Ms', p.p95Ms) +
      cell(p.name, 'p99Ms', p.p99Ms) +
      cell(p.name, 'p999Ms', p.p999Ms ?? null) +
      cell(p.name, 'meanMs', p.meanMs) +
      cell(p.name, 'opsPerSec', p.opsPerSec) +
      cell(p.name, 'opsVsPgbench', r.opsVsPgbench, '×') +
      cell(p.name, 'opsVsRawPg', r.opsVsRawPg, '×') +
      cell(p.name, 'meanVsPgbench', r.meanVsPgbench, '×') +
      cell(p.name, 'meanVsRawPg', r.meanVsRawPg, '×') +
      '</tr>'
    );
  });
  return `<table class="figures">${head}${rows.join('')}</table>`;
}

function baselinesTable(data: ReportData): string {
  if (!data.baselines) return '';
  const runs: ReportBaseline[] = [
    ...(data.baselines.pgbench.available ? data.baselines.pgbench.runs : []),
    ...data.baselines.rawPg,
  ];
  if (runs.length === 0) return '';
  const ranOn = runs.some((b) => b.ranOn !== undefined);
  const rows = runs.map((b) => {
    const key = `${b.tool}:${b.workload}`;
    return (
      `<tr data-baseline="${escapeXml(key)}"><td>${escapeXml(b.tool)}</td><td>${escapeXml(b.workload)}</td>` +
      cell(key, 'clients', b.clients) +
      cell(key, 'p50Ms', b.p50Ms) +
      cell(key, 'p95Ms', b.p95Ms) +
      cell(key, 'p99Ms', b.p99Ms) +
      cell(key, 'meanMs', b.meanMs) +
      cell(key, 'opsPerSec', b.opsPerSec) +
      (ranOn ? `<td data-baseline-ran-on="${escapeXml(key)}">${escapeXml(b.ranOn ?? '—')}</td>` : '') +
      '</tr>'
    );
  });
  return (
    '<h2>Baselines: the same SQL through pgbench and raw pg</h2><table class="baselines">' +
    '<tr><th>tool</th><th>workload</th><th class="num">clients</th><th class="num">p50 ms</th><th class="num">p95 ms</th>' +
    '<th class="num">p99 ms</th><th class="num">mean ms</th><th class="num">ops/s</th>' +
    `${ranOn ? '<th>ran on</th>' : ''}</tr>${rows.join('')}</table>`
  );
}

function chartFigure(chart: Chart): string {
  const body = chart.svg ?? `<div class="empty">${escapeXml(chart.title)}: ${escapeXml(chart.empty)}</div>`;
  return `<figure class="chart" data-chart="${escapeXml(chart.kind)}">${body}</figure>`;
}

function environmentTable(data: ReportData): string {
  const rows = Object.entries(data.environment).map(
    ([k, v]) => `<tr><th>${escapeXml(k)}</th><td data-env="${escapeXml(k)}">${escapeXml(String(v))}</td></tr>`,
  );
  return rows.length ? `<h2>Environment</h2><table class="environment">${rows.join('')}</table>` : '';
}

/**
 * A report of sections only (no paths, e.g. the bench's scale study): the paths' table and the charts with
 * nothing to draw are left out instead of shown empty.
 */
const sectionsOnly = (data: ReportData) => data.paths.length === 0 && (data.sections?.length ?? 0) > 0;

/** The figures part: the paths' table with its ratios, and the baselines. */
function figures(data: ReportData): string[] {
  if (sectionsOnly(data)) return [];
  return [
    `<h2>${escapeXml(data.figuresTitle ?? 'Figures')}</h2>`,
    pathsTable(data),
    '<p class="meta">Ratios: a path\'s ops/s divided by the baseline\'s (1× = as fast), and its mean latency divided ' +
      "by the baseline's (1× = as quick), for the baseline of the same workload.</p>",
    baselinesTable(data),
  ];
}

async function charts(data: ReportData): Promise<string> {
  const shown = (await reportCharts(data)).filter((c) => c.svg !== null || !sectionsOnly(data));
  return shown.length ? `<h2>Charts</h2><div class="charts">${shown.map(chartFigure).join('')}</div>` : '';
}

/** The whole page. Pure: the same data gives the same HTML. */
export async function renderReportHtml(data: ReportData): Promise<string> {
  const baseline = sectionsOnly(data) ? null : baselineNote(data);
  const notes = data.notes.length
    ? `<h2>Notes</h2><ul class="notes">${data.notes.map((n) => `<li>${escapeXml(n)}</li>`).join('')}</ul>`
    : '';
  // The data rides along as JSON (inert: not a script), so the page alone is enough to recover the figures.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(data.title)}</title><style>${CSS}</style></head><body>`,
    `<h1>${escapeXml(data.title)}</h1>`,
    `<p class="meta">Generated <time datetime="${escapeXml(data.generatedAt)}">${escapeXml(data.generatedAt)}</time></p>`,
    baseline ? `<p class="note baseline-note">${escapeXml(baseline)}</p>` : '',
    ...figures(data),
    await charts(data),
    await renderSections(data),
    notes,
    environmentTable(data),
    `<script type="application/json" id="report-data">${json}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
