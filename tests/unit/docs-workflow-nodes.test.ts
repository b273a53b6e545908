/**
 * docs/workflows.md's "Node kinds" table is where an author looks up a node's fields: each kind of
 * WORKFLOW_NODE_KINDS has a row, and the row's fields are exactly the interface's in
 * server/lib/workflows/define.ts (an optional one with its `?`; `kind` and the common
 * `description` aside).
 */
import { readFileSync } from 'node:fs'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { WORKFLOW_NODE_KINDS } from '../../server/lib/workflows/define'

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

/** kind → its interface's fields, `name?` for an optional one. */
function nodeFields(): Map<string, string[]> {
  const source = ts.createSourceFile('define.ts', read('server/lib/workflows/define.ts'), ts.ScriptTarget.Latest, true)
  const fields = new Map<string, string[]>()
  for (const statement of source.statements) {
    if (!ts.isInterfaceDeclaration(statement) || !statement.name.text.endsWith('Node')) continue
    const members = statement.members.filter(ts.isPropertySignature)
    const kind = members.find(member => member.name.getText(source) === 'kind')?.type?.getText(source).replace(/'/g, '')
    if (!kind) continue
    fields.set(kind, members.map(member => `${member.name.getText(source)}${member.questionToken ? '?' : ''}`).filter(name => name !== 'kind'))
  }
  return fields
}

/** kind → the fields its row of the table names (`choose(state)` as `choose`). */
function documentedFields(): Map<string, string[]> {
  const docs = read('docs/workflows.md')
  const start = docs.indexOf('\n## Node kinds')
  expect(start, 'workflows.md has a "Node kinds" section').toBeGreaterThan(0)
  const rows = docs.slice(start, docs.indexOf('\n## ', start + 1)).split('\n').filter(line => line.startsWith('| `'))
  return new Map(rows.map((row) => {
    const [kind, fields] = row.split(' | ') as [string, string]
    return [kind.slice(3, -1), [...fields.matchAll(/`(\w+\??)(?:\([^)`]*\))?`/g)].map(match => match[1]!)]
  }))
}

describe('workflows.md\'s node kinds', () => {
  it('name every kind with exactly its fields', () => {
    const fields = nodeFields()
    expect([...fields.keys()].sort()).toEqual([...WORKFLOW_NODE_KINDS].sort())
    const documented = documentedFields()
    expect([...documented.keys()].sort()).toEqual([...WORKFLOW_NODE_KINDS].sort())
    for (const kind of WORKFLOW_NODE_KINDS) {
      expect([kind, documented.get(kind)!.sort()]).toEqual([kind, fields.get(kind)!.sort()])
    }
  })
})
