/**
 * Small numeric helpers for the benchmarks: percentiles, rounding and a plain-text table that
 * is also valid Markdown, so the same rows print to the console and go into docs/performance.md.
 */

/** The value at quantile `q` (0..1) of `values` (nearest rank); NaN when empty. */
export function percentile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = Float64Array.from(values).sort()
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[rank]!
}

/** Arithmetic mean; NaN when empty. */
export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN
  let total = 0
  for (let index = 0; index < values.length; index++) total += values[index]!
  return total / values.length
}

/** Rounds for display (NaN and infinities become '–'). */
export function round(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return '–'
  return value.toFixed(digits)
}

/** Bytes as B / KB / MB (1000-based, as network rates are). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–'
  if (Math.abs(bytes) >= 1e6) return `${(bytes / 1e6).toFixed(2)} MB`
  if (Math.abs(bytes) >= 1e3) return `${(bytes / 1e3).toFixed(1)} KB`
  return `${Math.round(bytes)} B`
}

/** A table: a caption, column names and rows of already formatted cells. */
export interface ResultTable {
  caption: string
  columns: string[]
  rows: string[][]
}

/** Renders a table as Markdown (readable as plain text too). */
export function renderTable(table: ResultTable): string {
  const widths = table.columns.map((column, index) => Math.max(column.length, ...table.rows.map(row => (row[index] ?? '').length)))
  const line = (cells: string[]) => `| ${cells.map((cell, index) => cell.padEnd(widths[index]!)).join(' | ')} |`
  return [
    `**${table.caption}**`,
    '',
    line(table.columns),
    `|${widths.map(width => '-'.repeat(width + 2)).join('|')}|`,
    ...table.rows.map(line),
  ].join('\n')
}
