/**
 * The code names the docs too: comments (`docs/api.md`), error messages an operator reads at boot
 * (`See docs/<page>.md`) and tests (`docs/workflows.md, "Restart safety"`). Each `docs/<page>.md`
 * the code mentions exists; a `#fragment` is an anchor of it; a section named after it —
 * `docs/x.md, "Section"` or `docs/x.md › Section` — is a heading or bold lead of that page (or, quoted
 * and four words or more, a sentence of it). When a page is split or renamed, or a heading reworded,
 * a reference left pointing at the old place fails here instead of sending a reader to a page
 * without the section.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { anchors, namesSection, prose } from '../support/doc-anchors'
import { ROOT } from '../support/server-process'

const FOLDERS = ['server', 'lib', 'shared', 'app', 'convex', 'demo', 'tests', 'bench']
const SKIPPED = new Set(['node_modules', '_generated', '.nuxt', '.output', 'fixtures-output'])

/** The source files under `folder` (recursively). */
function sources(folder: string): string[] {
  const path = join(ROOT, folder)
  if (!existsSync(path)) return []
  return readdirSync(path, { withFileTypes: true, recursive: true })
    .filter(entry => entry.isFile() && /\.(?:ts|vue|mjs|js)$/.test(entry.name) && !entry.parentPath.split(/[\\/]/).some(part => SKIPPED.has(part)))
    .map(entry => relative(ROOT, join(entry.parentPath, entry.name)))
}

/** A page's text on one line, lower case, for text quoted from it. */
function flat(text: string): string {
  return text.replace(/\s+/g, ' ').toLowerCase()
}

/** `docs/x.md`, its `#fragment`, and a section named after it (`, "Section"` or `› Section`). */
const REFERENCE = /docs\/([\w/-]+\.md)(?:#([\w-]+))?(?:,? ["“]([^"”\n]{2,80})["”]| › ([^().,:;`\n]{2,60}))?/g

describe('references to docs/ in the code', () => {
  it('name pages, anchors and sections that exist', () => {
    const broken: string[] = []
    let count = 0
    for (const file of FOLDERS.flatMap(sources)) {
      if (file === 'tests/unit/docs-references-in-code.test.ts') continue
      const code = readFileSync(join(ROOT, file), 'utf8')
      for (const [reference, page, fragment, quoted, named] of code.matchAll(REFERENCE)) {
        count++
        const path = join(ROOT, 'docs', page!)
        if (!existsSync(path)) {
          broken.push(`${file}: ${reference} (no file docs/${page})`)
          continue
        }
        const text = readFileSync(path, 'utf8')
        if (fragment && !anchors(text).has(fragment)) broken.push(`${file}: ${reference} (no heading #${fragment})`)
        const section = (quoted ?? named)?.trim()
        // A quoted sentence of four words or more may quote the page's text rather than name a section.
        const quotes = quoted !== undefined && quoted.trim().split(/\s+/).length >= 4 && flat(text).includes(flat(quoted))
        if (section && !namesSection(prose(text), section) && !quotes) broken.push(`${file}: ${reference} (no section "${section}")`)
      }
    }
    expect(count).toBeGreaterThan(200)
    expect(broken).toEqual([])
  })
})
