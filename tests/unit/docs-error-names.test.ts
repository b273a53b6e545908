/**
 * docs/api.md, "Error names": an error answer's `statusMessage` is the error's name, and a client
 * branches on it. The table lists the name of every error class a route can answer with — each
 * subclass of BackgroundJobsError (and ProviderUnavailableError) and RequestError in server/lib
 * that names itself (ForwardedError takes the owner's name) — with its status, and no other name.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../support/server-process'

/** Every error class of server/lib: its name, the class it extends and its own `name`. */
function errorClasses(): Array<{ name: string, parent: string, ownName: string | undefined }> {
  const folder = join(ROOT, 'server/lib')
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile() && entry.name.endsWith('.ts'))
    .flatMap((entry) => {
      const text = readFileSync(join(entry.parentPath, entry.name), 'utf8')
      return [...text.matchAll(/class (\w+) extends (\w+) \{([^]*?)\n\}/g)].map(([, name, parent, body]) => ({
        name: name!,
        parent: parent!,
        ownName: /readonly name(?:: string)? = '(\w+)'/.exec(body!)?.[1],
      }))
    })
}

/** The names a route can answer with: BackgroundJobsError's subclasses (any depth) and RequestError. */
function answeredNames(): string[] {
  const classes = errorClasses()
  const answered = new Set(['BackgroundJobsError', 'RequestError'])
  for (let grew = true; grew;) {
    grew = false
    for (const { name, parent } of classes) {
      if (answered.has(parent) && !answered.has(name)) {
        answered.add(name)
        grew = true
      }
    }
  }
  return classes.filter(({ name, ownName }) => answered.has(name) && ownName !== undefined).map(({ ownName }) => ownName!)
}

describe('api.md\'s error names', () => {
  it('are the names of the errors the routes answer with', () => {
    const names = answeredNames()
    expect(names.length).toBeGreaterThan(20)
    const docs = readFileSync(join(ROOT, 'docs/api.md'), 'utf8')
    const start = docs.indexOf('\n### Error names')
    expect(start, 'api.md has an "Error names" section').toBeGreaterThan(0)
    const rows = docs.slice(start, docs.indexOf('\n#', start + 1)).split('\n').filter(line => line.startsWith('| `'))
    const documented = rows.flatMap(row => [...row.split(' | ')[0]!.matchAll(/`(\w+)`/g)].map(match => match[1]!))
    expect([...new Set(names)].sort()).toEqual([...documented].sort())
  })
})
