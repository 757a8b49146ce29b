// A column format for figures: the number through the bench's own formatter, anything else as it is.
import { type CellFormat, plainCell } from './format-section-table';

/**
 * @example numberCell((v) => v.toFixed(1))(2.345) === '2.3'; numberCell((v) => v.toFixed(1))(null) === '-'
 */
export function numberCell(format: (value: number) => string, missing = '-'): CellFormat {
  return (value) => (typeof value === 'number' ? format(value) : value === null ? missing : plainCell(value));
}
