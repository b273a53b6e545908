/**
 * The docs name settings in prose and tables as `group.key` (`limits.maxSteps`, `upstream.allowedModels`,
 * `recovery.chat: 'continue'`): each must be a setting of DEFAULT_CONFIG, or an operator sets a
 * key that does not exist (a boot error at best) after a rename. docs/config.md's table is checked
 * by config-env.test.ts; this reads every page.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import { ROOT } from '../support/server-process'

const PAGES = ['README.md', ...['docs', 'docs/decisions'].flatMap(folder => readdirSync(join(ROOT, folder)).filter(name => name.endsWith('.md')).map(name => `${folder}/${name}`))]

/** The groups of settings: `limits`, `upstream`, … */
const GROUPS = Object.entries(DEFAULT_CONFIG).filter(([, value]) => value !== null && typeof value === 'object' && !Array.isArray(value)).map(([name]) => name)

const FILE_EXTENSIONS = new Set(['ts', 'mjs', 'js', 'md', 'json', 'vue'])

describe('settings named in the docs', () => {
  it('are settings', () => {
    const pattern = new RegExp(`\`(?:backgroundJobs\\.)?(${GROUPS.join('|')})\\.([a-zA-Z]+)(?![\\w.(])`, 'g')
    let count = 0
    const unknown = PAGES.flatMap((page) => {
      const text = readFileSync(join(ROOT, page), 'utf8')
      return [...text.matchAll(pattern)].flatMap(({ 1: group, 2: key, index }) => {
        // A file (bench/telemetry.ts), or a misspelt key shown as one (config.md: "a typo: `limits.…`").
        if (FILE_EXTENSIONS.has(key!) || text.slice(Math.max(0, index - 10), index).includes('typo')) return []
        count++
        return (DEFAULT_CONFIG as unknown as Record<string, Record<string, unknown>>)[group!]![key!] === undefined ? [`${page}: ${group}.${key}`] : []
      })
    })
    expect(count).toBeGreaterThan(200)
    expect([...new Set(unknown)]).toEqual([])
  })
})
