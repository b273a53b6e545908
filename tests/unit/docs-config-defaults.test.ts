/**
 * docs/config.md's table gives each setting's default in its third column: an operator reads it
 * to know what a variable left unset means. config-env.test.ts checks the first two columns (keys
 * and variables); this checks the third against DEFAULT_CONFIG, written as JSON (a list as the
 * comma-separated text its variable takes). tools.md's table of the loop's limits gives defaults
 * too, checked the same way, and so does feature-flags.md's table of the global flags, which names each by
 * its variable (a misspelt one there would be copied and ignored; its limits table: ops-limits-docs.test.ts).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG, envNameOf } from '../../server/lib/config'

/** key → the default as the table writes it (the first backticked value of the third column). */
function documentedDefaults(): Map<string, string> {
  const docs = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8')
  return new Map([...docs.matchAll(/^\| `([\w.]+)` \| `NUXT_BACKGROUND_JOBS_\w+` \| `([^`]*)`/gm)].map(match => [match[1]!, match[2]!]))
}

/** A default as the table writes it: JSON, and a list as the text of its variable. */
function written(value: unknown): string {
  return JSON.stringify(Array.isArray(value) ? value.join(',') : value)
}

describe('docs/config.md\'s defaults', () => {
  it('are the defaults of DEFAULT_CONFIG', () => {
    const documented = documentedDefaults()
    expect(documented.size).toBeGreaterThan(60)
    const wrong = [...documented].flatMap(([key, value]) => {
      const real = written(key.split('.').reduce((group: any, part) => group?.[part], DEFAULT_CONFIG))
      return real === value ? [] : [`${key}: documented ${value}, really ${real}`]
    })
    expect(wrong).toEqual([])
  })
  it('docs/tools.md\'s table of limits gives the defaults of DEFAULT_CONFIG.limits', () => {
    const docs = readFileSync(new URL('../../docs/tools.md', import.meta.url), 'utf8')
    const start = docs.indexOf('\n## Limits and stop conditions')
    const section = docs.slice(start, docs.indexOf('\n## ', start + 1))
    // `| \`maxSteps\` | 10 |`, digits grouped by spaces (10 000).
    const rows = [...section.matchAll(/^\| `(\w+)` \| ([\d ]+) \|/gm)].map(([, key, value]) => [key!, Number(value!.replace(/ /g, ''))] as const)
    expect(rows.length).toBeGreaterThan(4)
    const limits = DEFAULT_CONFIG.limits as unknown as Record<string, unknown>
    expect(rows.filter(([key, value]) => limits[key] !== value).map(([key, value]) => `${key}: documented ${value}, really ${String(limits[key])}`)).toEqual([])
  })
  it('docs/feature-flags.md\'s table of the global flags names real variables, with the defaults of DEFAULT_CONFIG', () => {
    const docs = readFileSync(new URL('../../docs/feature-flags.md', import.meta.url), 'utf8')
    const start = docs.indexOf('## Global flags')
    // `| \`NUXT_BACKGROUND_JOBS_ENABLED\` | \`true\` |` (a text default as '')
    const flags = [...docs.slice(start, docs.indexOf('\n#', start + 1)).matchAll(/^\| `(NUXT_BACKGROUND_JOBS_\w+)` \| `([^`]*)` \|/gm)]
      .map(([, name, value]) => [name!, value!.replace(/^''$/, '""')] as const)
    expect(flags.length).toBeGreaterThan(3)
    const known = new Map(leafKeys(DEFAULT_CONFIG).map(key => [envNameOf(key), key.split('.').reduce((group: any, part) => group[part], DEFAULT_CONFIG)]))
    const wrong = flags.flatMap(([name, value]) => !known.has(name) ? [`${name}: no such variable`] : JSON.stringify(known.get(name)) === value ? [] : [`${name}: documented ${value}, really ${JSON.stringify(known.get(name))}`])
    expect(wrong).toEqual([])
  })
})

/** Every leaf key of the defaults, dotted. */
function leafKeys(defaults: object, prefix = ''): string[] {
  return Object.entries(defaults).flatMap(([name, value]) => {
    const key = prefix ? `${prefix}.${name}` : name
    return value !== null && typeof value === 'object' ? leafKeys(value, key) : [key]
  })
}
