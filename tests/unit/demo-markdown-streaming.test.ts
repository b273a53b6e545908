/**
 * A streaming answer is rendered again on every piece (JobTurn.vue, ReasoningBlock.vue, the
 * /ai-sdk page's AiSdkTextPart.vue). renderMarkdown parsed the whole answer each time, so the
 * work per piece grew with the answer (a 100 KB answer: quadratic over its life). Now only the
 * block still being written is parsed; the closed blocks before it come from
 * lib/markdown-prefixes.ts — and the HTML must be exactly what reading the text whole gives, at
 * every point of the stream.
 */
import MarkdownIt from 'markdown-it'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { renderMarkdown, renderMarkdownWhole } from '../../demo/app/lib/markdown'

afterEach(() => {
  vi.restoreAllMocks()
})

/** `text` in pieces of `size` characters, as the stream brings it. */
function stream(text: string, size: number): string[] {
  const prefixes: string[] = []
  for (let end = size; end < text.length + size; end += size) prefixes.push(text.slice(0, Math.min(end, text.length)))
  return prefixes
}

const LONG_ANSWER = Array.from({ length: 60 }, (_, index) => [
  `## Part ${index}`,
  `Paragraph ${index} with **bold**, \`code\` and a link https://example.com/${index}.`,
  `- item ${index}\n- another item`,
  `\`\`\`ts\nconst value${index} = ${index}\n\`\`\``,
].join('\n\n')).join('\n\n')

/** Texts whose blocks are tricky to split: each is streamed and compared with the whole read at every point. */
const TRICKY = [
  'para\n#\n\nnext',
  'para\n#x and more\n\n# real\n\ntext',
  '## Two\n\ntext\n\n# One\n\nmore\n\n### Three',
  '1. one\n2. two\n\n3. three\n\nafter\n\n4. four\n5. five',
  '- a\n\n  still a\n\n- b\n\nout\n\n* c\n* d',
  '- a\n  ```\ncode at column 0\n```\n\ntail\n\nmore',
  '> quote\nlazy line\n\n> another\n\nplain',
  '```js\nlet a = 1\n\n\nlet b = 2\n```\n\nafter\n\n~~~\nunclosed\n\nstill code',
  '    indented code\n\n    more code\n\ntext\n\n    code again',
  'a | b\n--|--\n1 | 2\n\nafter table\n\n| x | y |\n|---|---|\n| 1 | 2 |',
  'Setext\n======\n\ntext\n---\n\nmore\n\n***\n\nend',
  'line with two spaces  \nnext\n\n*emphasis\n\nacross* blocks\n\n**bold**',
  '# Title\n\n<div>raw</div>\n\n[link](https://example.com) and [ref][x]\n\n[x]: https://example.org\n\nend',
  'windows\r\nline\r\n\r\nend\r\n\r\nmore',
  '\n\n\nstarts blank\n\n\n\nends blank\n\n\n',
  '* \n\n* item\n\n10) ten\n11) eleven\n\nend',
  'text\n- a list can interrupt\n- it\n\n1. but\n\n2. loose',
]

describe('renderMarkdown while an answer streams', () => {
  it('parses only the block being written, not the whole answer again, on each piece', () => {
    const parse = vi.spyOn(MarkdownIt.prototype, 'parse')
    let parsed = 0
    let largest = 0
    for (const text of stream(LONG_ANSWER, 9)) {
      parse.mockClear()
      renderMarkdown(text, { cursor: true })
      const chars = parse.mock.calls.reduce((sum, [source]) => sum + source.length, 0)
      parsed += chars
      largest = Math.max(largest, chars)
    }
    // The largest block (a part's paragraph) is under 100 characters; the answer is ~8,000.
    expect(largest).toBeLessThan(300)
    expect(parsed).toBeLessThan(LONG_ANSWER.length * 20)
  })

  it('gives the same HTML as reading the text whole, at every point of the stream', () => {
    for (const text of [...TRICKY, LONG_ANSWER.slice(0, 700)]) {
      for (const size of [1, 5]) {
        for (const prefix of stream(text, size)) expect(renderMarkdown(prefix, { cursor: true }), JSON.stringify(prefix)).toBe(renderMarkdownWhole(prefix, { cursor: true }))
      }
      expect(renderMarkdown(text)).toBe(renderMarkdownWhole(text))
    }
  })

  it('moves every earlier heading down when a higher one comes later', () => {
    renderMarkdown('## Two\n\ntext\n\nmore')
    expect(renderMarkdown('## Two\n\ntext\n\nmore\n\n# One\n\nend')).toContain('<h4 dir="auto">Two</h4>')
  })
})
