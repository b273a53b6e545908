/**
 * docs/logs.md's "Lines by name" table, read for the tests that hold the lines a run logs to it
 * (tests/unit/log-lines-table.test.ts, tests/providers/redis-takeover-log-lines.test.ts).
 */
import type { LoggedLine } from './recording-logger'
import { docSection } from './docs-section'

/** A row of the table: the line's name as a pattern, its levels, its fields (`required`: without `?`). */
export interface LogRow { name: string, pattern: RegExp, levels: string[], fields: Set<string>, required: Set<string> }

/** The rows of the table. */
export function documentedLogRows(): LogRow[] {
  const rows = docSection('logs.md', 'Lines by name').split('\n').filter(line => line.startsWith('| `'))
  return rows.map((row) => {
    const [nameCell, levelCell, fieldCell] = row.slice(2, -2).split(' | ')
    const name = /^`([^`]+)`/.exec(nameCell!)![1]!
    // `"x"` is any tool's name.
    const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/"x"/g, '"[^"]+"')}$`)
    const levels = [...levelCell!.matchAll(/\b(info|warn|error)\b/g)].map(match => match[1]!)
    // Each field is a backticked name at the start of the cell or after a comma, `?` right after it
    // when optional; what it holds is said in parentheses after it.
    const named = [...fieldCell!.replace(/ \([^)]*\)/g, '').matchAll(/(?:^|, )`(\w+)`(\?)?/g)]
    return { name, pattern, levels, fields: new Set(named.map(match => match[1]!)), required: new Set(named.filter(match => !match[2]).map(match => match[1]!)) }
  })
}

/**
 * The lines that have a row, and what in them differs from it: a level not the row's, a field the
 * row does not name, a field the row has without `?` missing. `seen` gets the names of the rows met.
 */
export function checkLogLines(rows: LogRow[], lines: LoggedLine[], seen?: Set<string>): { matched: LoggedLine[], problems: string[] } {
  const problems: string[] = []
  const matched = lines.filter((line) => {
    const row = rows.find(candidate => candidate.pattern.test(line.message))
    if (!row) return false
    seen?.add(row.name)
    // A field set to undefined is not written (JSON).
    const fields = Object.entries(line.fields ?? {}).filter(([, value]) => value !== undefined).map(([key]) => key)
    if (!row.levels.includes(line.level)) problems.push(`${line.message}: level ${line.level}, documented ${row.levels.join('/')}`)
    for (const field of fields) if (!row.fields.has(field)) problems.push(`${line.message}: field ${field} not documented`)
    for (const field of row.required) if (!fields.includes(field)) problems.push(`${line.message}: documented field ${field} missing`)
    return true
  })
  return { matched, problems }
}
