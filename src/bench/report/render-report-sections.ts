// The report's optional sections (ReportData.sections): a table each, and a line chart when the section has one.
// Cells carry data-section / data-column / data-value so the figures can be read back and checked against JSON.
import type { ReportData, ReportSection, SectionValue } from './report-data';
import { lineChartSpec } from './chart-specs';
import { escapeXml } from './escape-xml';
import { dataValue, formatNumber } from './format-number';
import { vegaSvg } from './vega-svg';

function sectionCell(section: string, column: string, value: SectionValue): string {
  const attrs = `data-section="${escapeXml(section)}" data-column="${escapeXml(column)}"`;
  if (typeof value === 'number') {
    return `<td class="num" ${attrs} data-value="${dataValue(value)}">${escapeXml(formatNumber(value))}</td>`;
  }
  const text = value === null ? '—' : typeof value === 'boolean' ? (value ? 'yes' : 'no') : value;
  return `<td ${attrs}>${escapeXml(text)}</td>`;
}

/** One section: heading, description, table, chart. */
export async function renderSection(section: ReportSection): Promise<string> {
  const head = section.columns.map((c) => `<th>${escapeXml(c)}</th>`).join('');
  const rows = section.rows.map(
    (row) => `<tr>${row.map((v, i) => sectionCell(section.id, section.columns[i] ?? String(i), v)).join('')}</tr>`,
  );
  const svg = section.chart
    ? await vegaSvg(
        section.id,
        section.title,
        lineChartSpec({
          title: section.title,
          xLabel: section.chart.xLabel,
          yLabel: section.chart.yLabel,
          series: section.chart.series,
          ...(section.chart.logX ? { logX: true } : {}),
        }),
      )
    : null;
  const chart = svg
    ? `<div class="charts"><figure class="chart" data-chart="${escapeXml(section.id)}">${svg}</figure></div>`
    : '';
  return [
    `<section class="extra" data-section="${escapeXml(section.id)}">`,
    `<h2>${escapeXml(section.title)}</h2>`,
    section.description ? `<p class="meta">${escapeXml(section.description)}</p>` : '',
    `<table class="section"><tr>${head}</tr>${rows.join('')}</table>`,
    chart,
    '</section>',
  ].join('');
}

/** Every section of the report, in order ('' when there are none). */
export async function renderSections(data: ReportData): Promise<string> {
  const sections: string[] = [];
  for (const s of data.sections ?? []) sections.push(await renderSection(s));
  return sections.join('\n');
}
