/**
 * docs/api.md's "Job error codes" table lists every `error.code` a `job-end` can carry, and no code
 * the server does not write: a client reading a failed job's code (to show "try again later" for an
 * upstream failure, or "the workflow changed" for invalid-request) learns the set from that page.
 * The codes are read from the source as the server makes them: a JobAbortedError's or a stop
 * condition's union, `new JobFailure('…'`, a ModelError subclass's `super('…'`, a `readonly code =
 * '…'` error, a `code: '…'` in an end written directly, a `*_CODE` constant, a fallback `const code
 * = … '…'`, and a tool node's `tool-<status>` for each ToolResultStatus but completed.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../support/server-process'

/** The server's source files: path → text. */
function serverSources(): Map<string, string> {
  const folder = join(ROOT, 'server/lib')
  return new Map(readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile() && entry.name.endsWith('.ts'))
    .map(entry => [relative(ROOT, join(entry.parentPath, entry.name)), readFileSync(join(entry.parentPath, entry.name), 'utf8')]))
}

/** Every code the server can end a job with. */
function codesInSource(): Set<string> {
  const codes = new Set<string>()
  const add = (text: string, pattern: RegExp) => {
    for (const match of text.matchAll(pattern)) codes.add(match[1]!)
  }
  for (const [path, text] of serverSources()) {
    // A union of codes: JobAbortedError's constructor, a stop condition's result.
    for (const [union] of text.matchAll(/\bcode: '[a-z-]+'(?: \| '[a-z-]+')+/g)) add(union, /'([a-z-]+)'/g)
    add(text, /new (?:JobFailure|JobAbortedError)\(\s*'([a-z-]+)'/g)
    add(text, /readonly code = '([a-z-]+)'/g)
    add(text, /\bcode: '([a-z]+(?:-[a-z]+)*)'/g)
    add(text, /_CODE = '([a-z-]+)'/g)
    add(text, /const code = [^\n]*'([a-z]+-[a-z-]+)'$/gm)
    if (path === 'server/lib/model/errors.ts') add(text, /super\('([a-z-]+)'/g)
  }
  // zod's issue codes are no job's.
  codes.delete('custom')
  const tools = readFileSync(join(ROOT, 'server/lib/workflows/nodes/tool.ts'), 'utf8')
  expect(tools, 'a tool node fails with tool-<status>').toContain('new ToolNodeError(`tool-${outcome.status}`')
  const statuses = /export type ToolResultStatus = ([^\n]+)/.exec(readFileSync(join(ROOT, 'shared/events.ts'), 'utf8'))?.[1] ?? ''
  for (const [, status] of statuses.matchAll(/'([a-z]+)'/g)) if (status !== 'completed') codes.add(`tool-${status}`)
  return codes
}

/** The codes in the first column of api.md's "Job error codes" table. */
function codesDocumented(): Set<string> {
  const text = readFileSync(join(ROOT, 'docs/api.md'), 'utf8')
  const start = text.indexOf('\n### Job error codes')
  expect(start, 'api.md has a "Job error codes" section').toBeGreaterThan(0)
  const section = text.slice(start, text.indexOf('\n#', start + 1))
  const rows = section.split('\n').filter(line => line.startsWith('| `'))
  return new Set(rows.flatMap(row => [...row.split(' | ')[0]!.matchAll(/`([a-z-]+)`/g)].map(match => match[1]!)))
}

describe('job error codes in docs/api.md', () => {
  it('are the codes the server ends jobs with', () => {
    const source = codesInSource()
    expect(source.size).toBeGreaterThan(25)
    const documented = codesDocumented()
    expect([...source].filter(code => !documented.has(code)).sort(), 'written by the server, missing in api.md').toEqual([])
    expect([...documented].filter(code => !source.has(code)).sort(), 'in api.md, written by nothing').toEqual([])
  })
})
