/**
 * docs/api.md spells out the fields of `JobSummary` (every list and job answer) and `JobState`
 * (snapshots, `GET /api/jobs/:id`): a client developer writes types from those lines. Each must
 * name exactly the fields of its interface (shared/api-types.ts, shared/reducer.ts), an optional
 * one with its `?`. So must the bodies of `POST /api/jobs` (api.md's row, client.md's `start`)
 * those of the client's request types.
 */
import { readFileSync } from 'node:fs'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

/** The properties of an exported interface, `name?` for an optional one, in order. */
function interfaceFields(path: string, name: string): string[] {
  const source = ts.createSourceFile(path, read(path), ts.ScriptTarget.Latest, true)
  const declaration = source.statements.find((statement): statement is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(statement) && statement.name.text === name)
  if (!declaration) throw new Error(`${path} has no interface ${name}`)
  return declaration.members.filter(ts.isPropertySignature).map(member => `${member.name.getText(source)}${member.questionToken ? '?' : ''}`)
}

/** The names between the braces a page gives after `intro` (its first `{ … }`). */
function documentedFields(intro: string, page = 'docs/api.md'): string[] {
  const docs = read(page)
  const start = docs.indexOf(intro)
  expect(start, `${page} has ${intro}`).toBeGreaterThan(-1)
  const braces = /\{([^}]*)\}/.exec(docs.slice(start))?.[1] ?? ''
  return braces.split(',').map(field => field.trim()).filter(Boolean)
}

describe('the shapes docs/api.md spells out', () => {
  it('JobSummary has the fields of shared/api-types.ts', () => {
    expect(documentedFields('`JobSummary` =').sort()).toEqual(interfaceFields('shared/api-types.ts', 'JobSummary').sort())
  })

  it('JobState has the fields of shared/reducer.ts', () => {
    expect(documentedFields('`JobState` is what').sort()).toEqual(interfaceFields('shared/reducer.ts', 'JobState').sort())
  })

  it('the bodies of POST /api/jobs, in api.md and client.md, have the fields of app/lib/api-types.ts', () => {
    const chat = interfaceFields('app/lib/api-types.ts', 'StartChatRequest').sort()
    const workflow = interfaceFields('app/lib/api-types.ts', 'StartWorkflowRequest').sort()
    expect(documentedFields('| `POST /api/jobs` | start a chat job').sort()).toEqual(chat)
    expect(documentedFields('or a workflow job `{').sort()).toEqual(workflow)
    expect(documentedFields('with a chat body', 'docs/client.md').sort()).toEqual(chat)
    expect(documentedFields('or a workflow body', 'docs/client.md').sort()).toEqual(workflow)
  })
})
