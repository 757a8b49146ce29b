import { formatSectionTable } from '../../../src/bench/common/format-section-table';
import { numberCell } from '../../../src/bench/common/number-cell';
import type { ReportSection } from '../../../src/bench/report/report-data';

const section: ReportSection = {
  id: 'sample',
  title: 'Sample',
  columns: ['path', 'p50 ms', 'ok'],
  rows: [
    ['router-read', 1.23456, true],
    ['pg-read', null, false],
  ],
};

test('plain: left-aligned, `-` for a missing value, yes / no for booleans, no title line', () => {
  const lines = formatSectionTable(section).split('\n');
  expect(lines[0]).toMatch(/^┌/);
  expect(lines).toContainEqual('│ router-read │ 1.23456 │ yes │');
  expect(lines).toContainEqual('│ pg-read     │ -       │ no  │');
});

test('a title line, numeric columns right-aligned, and a format per column head', () => {
  const text = formatSectionTable(section, {
    title: 'Sample table',
    alignNumbers: true,
    format: { 'p50 ms': numberCell((v) => v.toFixed(3)) },
  });
  const lines = text.split('\n');
  expect(lines[0]).toBe('Sample table');
  expect(lines).toContainEqual('│ router-read │  1.235 │ yes │');
  expect(lines).toContainEqual('│ pg-read     │      - │ no  │');
});
