/**
 * The demo's Markdown renderer (markdown-it, linkify, highlight.js: ~64 KB gzip) is a chunk of its
 * own, not the page's: JobTurn.vue and WorkflowOutput.vue imported lib/markdown.ts, so every load
 * of a thread page (a new thread too) fetched and ran it before the page was interactive. Only the
 * two components that render Markdown import it, and the app uses them as `Lazy` components (an
 * async chunk; the server's HTML stays until it is there).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const APP = join(import.meta.dirname, '../../demo/app')
/** The components that render Markdown, and so import the renderer. */
const RENDERERS = ['components/MarkdownBlocks.vue', 'components/MarkdownHtml.vue']
const RENDERER_IMPORT = /from '[./]*\/lib\/(markdown|code-highlight|markdown-prefixes)'|from 'highlight\.js|from 'markdown-it'/

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap(entry => entry.isDirectory()
    ? sourceFiles(join(folder, entry.name))
    : /\.(vue|ts)$/.test(entry.name) ? [join(folder, entry.name)] : [])
}
const files = sourceFiles(APP).map(file => ({ name: relative(APP, file), source: readFileSync(file, 'utf8') }))

describe('demo: the Markdown renderer in a chunk of its own', () => {
  it('is imported only by the components that render Markdown (and lib/ itself)', () => {
    const importers = files.filter(file => !file.name.startsWith('lib/') && RENDERER_IMPORT.test(file.source)).map(file => file.name)
    expect(importers.sort()).toEqual(RENDERERS)
  })

  it('and those are used only as Lazy components (or fetched once the page is interactive)', () => {
    const eager = files.filter(file => /<(MarkdownBlocks|MarkdownHtml)\b/.test(file.source) || /import .* from '[./]*\/components\/Markdown(Blocks|Html)\.vue'/.test(file.source)).map(file => file.name)
    expect(eager).toEqual([])
    expect(files.filter(file => /<LazyMarkdown(Blocks|Html)\b/.test(file.source)).length).toBeGreaterThan(0)
  })
})
