/**
 * A text with a reference definition (`[a]: url`) is read whole every time, as it makes links
 * anywhere in the text — yet its closed blocks were still kept (lib/markdown-prefixes.ts), rendered
 * with its definitions. Another text starting the same without them (the same answer growing again
 * from its start after a reset, a regenerated one; on the server, any render) took those blocks and
 * showed links it does not have: `See <a href="https://example.com/docs">the docs</a>` where the
 * text says `See [the docs]`.
 */
import { describe, expect, it } from 'vitest'
import { renderMarkdown, renderMarkdownWhole } from '../../demo/app/lib/markdown'

describe('renderMarkdown after a text with reference definitions', () => {
  it('does not lend that text\'s links to another one that starts the same', () => {
    const answer = 'See [the docs].\n\nMore below.\n\n[the docs]: https://example.com/docs'
    expect(renderMarkdown(answer)).toContain('<a href="https://example.com/docs"')
    // The answer again from its start, before its definition: no link yet.
    for (let end = 1; end < answer.indexOf('[the docs]:'); end++) {
      const text = answer.slice(0, end)
      expect(renderMarkdown(text), JSON.stringify(text)).toBe(renderMarkdownWhole(text))
    }
    const other = 'See [the docs].\n\nMore below.\n\nEnd'
    expect(renderMarkdown(other)).toBe('<p dir="auto">See [the docs].</p>\n<p dir="auto">More below.</p>\n<p dir="auto">End</p>')
  })

  it('does not keep blocks read from a text with a lone carriage return', () => {
    const text = 'one\n\ntwo\rthree\n\nfour\n\nfive'
    renderMarkdown(text)
    const next = 'one\n\ntwo\n\nsix'
    expect(renderMarkdown(next)).toBe(renderMarkdownWhole(next))
  })
})
