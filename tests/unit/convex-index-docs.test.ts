/**
 * docs/providers.md's Convex index table (`| index | fields | used by |`) lists every index of
 * convex/schema.ts with its fields, and no index the schema does not have: an operator sizing a
 * deployment, or a developer changing a query, reads what each index is for there.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import schema from '../../convex/schema'

/** `table.index` → its fields, joined by `, ` as the table writes them. */
function schemaIndexes(): Map<string, string> {
  const indexes = new Map<string, string>()
  for (const [table, definition] of Object.entries(schema.tables)) {
    for (const index of definition[' indexes']()) indexes.set(`${table}.${index.indexDescriptor}`, index.fields.join(', '))
  }
  return indexes
}

/** The rows of the doc's index table, a row naming two indexes (`a` / `b`) split in two. */
function documentedIndexes(): Map<string, string> {
  const text = readFileSync(new URL('../../docs/providers.md', import.meta.url), 'utf8')
  const start = text.indexOf('| index | fields | used by |')
  expect(start, 'providers.md has the index table').toBeGreaterThan(0)
  const lines = text.slice(start).split('\n').slice(2)
  const documented = new Map<string, string>()
  for (const row of lines.slice(0, lines.findIndex(line => !line.startsWith('| ')))) {
    const [names = '', fields = ''] = row.split(' | ').map(cell => cell.replace(/^\| /, ''))
    const nameList = [...names.matchAll(/`([A-Za-z]+\.[a-z_]+)`/g)].map(match => match[1]!)
    const fieldList = fields.split(' / ')
    nameList.forEach((name, i) => documented.set(name, (fieldList[i] ?? fieldList[0]!).trim()))
  }
  return documented
}

describe('Convex indexes in docs/providers.md', () => {
  it('lists every index of the schema with its fields, and no other', () => {
    const real = schemaIndexes()
    const documented = documentedIndexes()
    expect([...real.keys()].filter(name => !documented.has(name)), 'left out').toEqual([])
    expect([...documented.keys()].filter(name => !real.has(name)), 'not in the schema').toEqual([])
    expect([...documented].filter(([name, fields]) => real.get(name) !== fields), 'fields differ').toEqual([])
  })
})
