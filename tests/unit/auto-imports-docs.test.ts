/**
 * What an app that extends the layer finds in its auto-imports: every value exported by the
 * layer's `app/composables/*.ts` and `server/utils/*.ts` (Nuxt and Nitro auto-import them all).
 * README.md says "That is all an app gets — nothing it did not ask for"; each of them must be
 * named in README.md, docs/client.md or docs/hooks.md, so an app knows the names it shares.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

/** The names of the values (functions, consts) a folder's files export. */
function exportedValues(dir: string): string[] {
  return readdirSync(new URL(`../../${dir}/`, import.meta.url)).filter(name => name.endsWith('.ts')).flatMap(name =>
    [...read(`${dir}/${name}`).matchAll(/^export (?:async )?(?:function|const|let|class) (\w+)/gm)].map(match => match[1]!))
}

describe('the layer\'s auto-imports', () => {
  it('are each named in the docs', () => {
    const docs = ['README.md', 'docs/client.md', 'docs/hooks.md'].map(read).join('\n')
    const autoImports = [...exportedValues('app/composables'), ...exportedValues('server/utils')]
    expect(autoImports.length).toBeGreaterThan(8)
    expect(autoImports.filter(name => !docs.includes(`\`${name}\``) && !docs.includes(`\`${name}(`))).toEqual([])
  })
})
