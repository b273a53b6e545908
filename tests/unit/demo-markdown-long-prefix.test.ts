/**
 * An answer longer than the kept Markdown prefixes may hold (demo/app/lib/markdown-prefixes.ts:
 * 500,000 characters — a big workflow output, an answer past most models' limits). Its closed
 * blocks were not kept at all, and the prefix it grew from was dropped, so from then on every
 * streamed piece parsed the whole text again: the longer the answer, the slower each piece. Its
 * closed blocks must be kept (their HTML; their tokens are the bulk) so a piece parses only what
 * is still open, and the HTML must stay that of the text read whole, also when a heading added
 * late moves the earlier ones down.
 */
import MarkdownIt from 'markdown-it'
import type { MarkdownIt as MarkdownRenderer } from 'markdown-it'
import type { MockInstance } from 'vitest'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { renderMarkdown, renderMarkdownWhole } from '../../demo/app/lib/markdown'

/** markdown-it's parse, watched (it still parses). */
let parse: MockInstance<MarkdownRenderer['parse']>
beforeEach(() => {
  parse = vi.spyOn(MarkdownIt.prototype, 'parse')
})
afterEach(() => {
  vi.restoreAllMocks()
})

/** Just over 500,000 characters of paragraphs. */
const LONG = 'A paragraph of a very long answer, with **bold** and `code`.\n\n'.repeat(8_100)

describe('an answer longer than the kept prefixes may hold', () => {
  it('parses only its open block on each streamed piece, not the whole text', () => {
    // Its last block's first line is whole: the blocks before it are closed.
    let text = `${LONG}The last paragraph,\n`
    renderMarkdown(text, { cursor: true })
    const work: number[] = []
    for (const piece of ['still', ' going.\n\n', 'Then', ' one more', ' line.']) {
      text += piece
      parse.mockClear()
      renderMarkdown(text, { cursor: true })
      work.push(parse.mock.calls.reduce((sum, [source]) => sum + source.length, 0))
    }
    expect(work.every(chars => chars < 1_000), `characters parsed a piece: ${work.join(', ')}`).toBe(true)
    expect(renderMarkdown(text, { cursor: true })).toBe(renderMarkdownWhole(text, { cursor: true }))
  })

  it('renders the same as read whole when a heading comes after its blocks were kept', () => {
    let text = `### An early heading\n\n${LONG}Closing words.\n\nNot a heading yet,\n`
    renderMarkdown(text)
    // Each piece rendered as it streams; the last render holds what the earlier ones kept.
    for (const piece of ['# A heading', ' at the end\n\nMore text.', '\n\n## Another']) {
      text += piece
      renderMarkdown(text)
    }
    expect(renderMarkdown(text)).toBe(renderMarkdownWhole(text))
  })
})
