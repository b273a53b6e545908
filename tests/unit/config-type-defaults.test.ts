/**
 * The JSDoc of `BackgroundJobsConfig` (server/lib/config-types.ts) is what an app developer reads
 * when typing `backgroundJobs: { … }` in nuxt.config (the module's options are that type): every
 * setting says its default there, and it is the default `DEFAULT_CONFIG` really holds.
 */
import { readFileSync } from 'node:fs'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'

/** Defaults that are made at run time, so the JSDoc describes them in words. */
const DESCRIBED = new Set(['instanceId', 'cookieSecret'])

/** Every leaf setting of the interface, dotted, with the text of its `@default` tag (null: none). */
function documentedDefaults(): Map<string, string | null> {
  const path = new URL('../../server/lib/config-types.ts', import.meta.url)
  const source = ts.createSourceFile('config-types.ts', readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true)
  const found = new Map<string, string | null>()
  const walk = (members: ts.NodeArray<ts.TypeElement>, prefix: string) => {
    for (const member of members) {
      if (!ts.isPropertySignature(member) || !member.type) continue
      const key = `${prefix}${member.name.getText(source)}`
      if (ts.isTypeLiteralNode(member.type)) {
        walk(member.type.members, `${key}.`)
        continue
      }
      const tag = ts.getJSDocTags(member).find(tag => tag.tagName.text === 'default')
      found.set(key, tag ? ts.getTextOfJSDocComment(tag.comment)?.trim() ?? '' : null)
    }
  }
  const config = source.statements.find((statement): statement is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(statement) && statement.name.text === 'BackgroundJobsConfig')!
  walk(config.members, '')
  return found
}

/** The default as the JSDoc writes it: `600000`, `true`, `'memory'` (a note may follow in parentheses). */
function written(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value)
}

describe('the JSDoc defaults of the configuration type', () => {
  it('names every setting of DEFAULT_CONFIG with its real default', () => {
    const documented = documentedDefaults()
    const leaves = (values: object, prefix = ''): string[] => Object.entries(values).flatMap(([name, value]) =>
      value !== null && typeof value === 'object' ? leaves(value, `${prefix}${name}.`) : [`${prefix}${name}`])
    const keys = leaves(DEFAULT_CONFIG)
    expect([...documented.keys()].sort()).toEqual([...keys].sort())
    const wrong = keys.flatMap((key) => {
      const text = documented.get(key)
      const value = key.split('.').reduce<any>((group, part) => group[part], DEFAULT_CONFIG)
      if (text === null || text === undefined) return [`${key}: no @default (is ${written(value)})`]
      if (DESCRIBED.has(key)) return []
      return text === written(value) || text.startsWith(`${written(value)} (`) ? [] : [`${key}: @default ${text}, is ${written(value)}`]
    })
    expect(wrong).toEqual([])
  })
})
