/**
 * The relative links of README.md and the docs (docs/*.md, docs/decisions/*.md) lead somewhere: to
 * a file that exists and, with a `#fragment`, to a heading of it (as GitHub names headings) or an
 * `<a id>` in it. A reader following "see metrics.md, Stuck jobs" from one page lands on that section.
 * And README.md, where a reader starts, links every page of docs/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { anchors, namesSection, prose } from '../support/doc-anchors'
import { ROOT } from '../support/server-process'

const PAGES = ['README.md', ...['docs', 'docs/decisions'].flatMap(folder => readdirSync(join(ROOT, folder)).filter(name => name.endsWith('.md')).map(name => `${folder}/${name}`))]

/** Each relative link of a page (outside code blocks and code spans), as written. */
function links(text: string): string[] {
  return [...prose(text).replace(/`[^`\n]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)].map(match => match[1]!).filter(target => !/^[a-z]+:/i.test(target))
}

describe('relative links in the docs', () => {
  it('lead to files and headings that exist', () => {
    const broken: string[] = []
    let count = 0
    for (const page of PAGES) {
      for (const target of links(readFileSync(join(ROOT, page), 'utf8'))) {
        count++
        const [path, fragment] = target.split('#') as [string, string | undefined]
        const file = path ? join(ROOT, dirname(page), decodeURIComponent(path)) : join(ROOT, page)
        if (!existsSync(file)) {
          broken.push(`${page}: ${target} (no file ${relative(ROOT, file)})`)
          continue
        }
        if (fragment && (!file.endsWith('.md') || !anchors(readFileSync(file, 'utf8')).has(decodeURIComponent(fragment)))) {
          broken.push(`${page}: ${target} (no heading #${fragment} in ${relative(ROOT, file)})`)
        }
      }
    }
    expect(count).toBeGreaterThan(80)
    expect(broken).toEqual([])
  })

  it('a section named in prose (`limits.md, "Limits"`) is a heading or a bold lead of that page', () => {
    const missing: string[] = []
    let count = 0
    for (const page of PAGES) {
      for (const [, file, section] of readFileSync(join(ROOT, page), 'utf8').matchAll(/\b([a-z-]+\.md),? ["“]([^"”\n]{2,60})["”]/g)) {
        count++
        const path = join(ROOT, 'docs', file!)
        const text = existsSync(path) ? readFileSync(path, 'utf8') : ''
        if (!namesSection(text, section!)) missing.push(`${page}: ${file}, "${section}"`)
      }
    }
    expect(count).toBeGreaterThan(15)
    expect(missing).toEqual([])
  })
  it('README.md links every page of docs/', () => {
    const linked = new Set(links(readFileSync(join(ROOT, 'README.md'), 'utf8')).map(target => target.split('#')[0]))
    const pages = PAGES.filter(page => /^docs\/[^/]+\.md$/.test(page))
    expect(pages.length).toBeGreaterThan(10)
    expect(pages.filter(page => !linked.has(page))).toEqual([])
  })
})

