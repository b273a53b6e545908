/**
 * A table may follow a paragraph with no blank line between them, and it is a table only with the
 * line under its first (its delimiter row, with as many cells). Once that first line was whole, the
 * paragraph before it was kept as closed (lib/markdown-prefixes.ts) — but a delimiter row that
 * turns out otherwise (a third cell, a letter) makes both lines part of that paragraph again: the
 * kept paragraph was rendered alone, and the answer's HTML differed from reading it whole, for the
 * rest of its life on the page (and for another answer that starts the same, e.g. a regenerated one).
 */
import { describe, expect, it } from 'vitest'
import { renderMarkdown, renderMarkdownWhole } from '../../demo/app/lib/markdown'

describe('renderMarkdown with a table right under a paragraph', () => {
  it('reads the paragraph again when the delimiter row turns out not to be one', () => {
    const text = 'Columns:\n| a | b |\n|---|---|---|\n| 1 | 2 | 3 |'
    for (let end = 1; end <= text.length; end++) renderMarkdown(text.slice(0, end), { cursor: true })
    expect(renderMarkdown(text)).toBe(renderMarkdownWhole(text))
    expect(renderMarkdown(text)).toBe('<p dir="auto">Columns:<br>\n| a | b |<br>\n|---|---|---|<br>\n| 1 | 2 | 3 |</p>')
  })

  it('does not lend a table\'s paragraph to another text with the same first lines', () => {
    renderMarkdown('Compare:\nx | y\n--|--\n1 | 2')
    const regenerated = 'Compare:\nx | y\nis the choice'
    expect(renderMarkdown(regenerated)).toBe(renderMarkdownWhole(regenerated))
  })

  it('still takes a paragraph kept before a table whose rows are whole', () => {
    const text = 'Intro\n| a | b |\n|---|---|\n| 1 | 2 |\n\nafter'
    for (let end = 1; end <= text.length; end++) expect(renderMarkdown(text.slice(0, end))).toBe(renderMarkdownWhole(text.slice(0, end)))
  })
})
