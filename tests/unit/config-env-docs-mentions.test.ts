/**
 * docs/config.md's table lists every setting's variable (config-env.test.ts). Beyond it, the docs
 * name variables in prose and examples, and the code reads a few variables of its own (Nitro's,
 * OpenRouter's, the Convex deployment's): every `NUXT_BACKGROUND_JOBS_*` named anywhere in the docs
 * is one the layer reads (a misspelt one in an example would be copied and ignored), a shortened
 * `…_NAME` ends a real one, and every variable the code reads itself is documented.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { knownEnvNames } from '../../server/lib/config-env-names'
import { ROOT } from '../support/server-process'

const DOC_FILES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter(name => name.endsWith('.md')).map(name => `docs/${name}`)]
const docs = DOC_FILES.map(file => [file, readFileSync(join(ROOT, file), 'utf8')] as const)
const known = new Set(['NUXT_BACKGROUND_JOBS', ...knownEnvNames()])

/** The source files the server, the build and the Convex functions run. */
function sources(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile() && /\.(ts|mjs|js)$/.test(entry.name) && !entry.parentPath.includes('_generated'))
    .map(entry => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
}

describe('variables named in the docs and read by the code', () => {
  it('every NUXT_BACKGROUND_JOBS_* variable the docs name is a setting\'s (or the whole group\'s)', () => {
    const unknown = docs.flatMap(([file, text]) => [...text.matchAll(/\bNUXT_BACKGROUND_JOBS(?:_[A-Z0-9]+)*\b/g)]
      .map(match => match[0])
      // An example of a misspelt variable, shown as one (config.md: "names no setting").
      .filter(name => !known.has(name) && !text.includes(`\`${name}\`) is ignored`))
      .map(name => `${file}: ${name}`))
    expect([...new Set(unknown)]).toEqual([])
  })

  it('every shortened …_NAME in the docs ends a real variable', () => {
    const names = [...known]
    const unknown = docs.flatMap(([file, text]) => [...text.matchAll(/…(_[A-Z0-9]+(?:_[A-Z0-9]+)*)\b/g)]
      .map(match => match[1]!)
      .filter(suffix => !names.some(name => name.endsWith(suffix)))
      .filter(suffix => !text.includes(`\`…${suffix}\`) is ignored`))
      .map(suffix => `${file}: …${suffix}`))
    expect([...new Set(unknown)]).toEqual([])
  })

  it('every variable the code reads by name itself is documented', () => {
    const read = new Set(['server', 'lib', 'convex'].flatMap(sources).flatMap(text => [...text.matchAll(/\benv(?:\.|\[['"])([A-Z][A-Z0-9_]+)/g)].map(match => match[1]!)))
    expect(read.size).toBeGreaterThan(3)
    const all = docs.map(([, text]) => text).join('\n')
    expect([...read].filter(name => !all.includes(name))).toEqual([])
  })
})
