/**
 * docs/api.md spells out the fields of `JobSummary` (every list and job answer) and `JobState`
 * (snapshots, `GET /api/jobs/:id`): a client developer writes types from those lines. Each must
 * name exactly the fields of its interface (shared/api-types.ts, shared/reducer.ts), an optional
 * one with its `?`. So must the bodies of `POST /api/jobs` (api.md's row, client.md's `start`)
 * those of the client's request types, the Events table the event types of shared/events.ts, and the
 * notification stream's row the NotificationTypes, and the job-end row's metrics JobMetrics.
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

  // An app rendering `useBackgroundJob().nodes` wrote `node.id` (its type error the only guide):
  // client.md said "with status, output, error, times" and named no id.
  it('client.md\'s `nodes` row has the fields of NodeState (shared/state-entries.ts)', () => {
    expect(documentedFields('workflow nodes in the order they started, each', 'docs/client.md').sort()).toEqual(interfaceFields('shared/state-entries.ts', 'NodeState').sort())
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
  it('the Events table has a row for every event type of shared/events.ts, and no other', () => {
    const source = read('shared/events.ts')
    const payloads = /export type JobEventPayload =([^]*?)\n\n/.exec(source)?.[1] ?? ''
    const types = [...payloads.matchAll(/\| (\w+)/g)].map(([, name]) => new RegExp(`export interface ${name} \\{\\s*type: '([a-z-]+)'`).exec(source)?.[1] ?? name)
    expect(types.length).toBeGreaterThan(10)
    const docs = read('docs/api.md')
    const start = docs.indexOf('\n## Events')
    const rows = docs.slice(start, docs.indexOf('\n#', start + 1)).split('\n').filter(line => line.startsWith('| `'))
    const documented = rows.flatMap(row => [...row.split(' | ')[0]!.matchAll(/`([a-z-]+)`/g)].map(match => match[1]!))
    expect(documented.sort()).toEqual(types.sort())
  })

  it('the notification stream\'s row names every NotificationType of shared/api-types.ts', () => {
    const union = /export type NotificationType = ([^\n]+)/.exec(read('shared/api-types.ts'))?.[1] ?? ''
    const types = [...union.matchAll(/'([a-z-]+)'/g)].map(match => match[1]!)
    expect(types.length).toBeGreaterThan(3)
    const row = read('docs/api.md').split('\n').find(line => line.startsWith('| `GET /api/jobs/notifications` |')) ?? ''
    expect(types.filter(type => !row.includes(`\`${type}\``))).toEqual([])
  })
  it('the job-end row\'s metrics have the fields of JobMetrics', () => {
    expect(documentedFields('`metrics`: `{').sort()).toEqual(interfaceFields('shared/events.ts', 'JobMetrics').sort())
  })
})

