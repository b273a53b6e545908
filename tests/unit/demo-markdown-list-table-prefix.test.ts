/**
 * A line with a `|` under a list item is the item's lazy line, unless it starts a table inside the
 * item: then it ends the item, and the list. Whether it does is decided by the line under it (its
 * delimiter row, which inside the item may be indented 4 or 5 spaces and so is no table's at the
 * top level). The list was kept as closed (lib/markdown-prefixes.ts) as soon as the `|` line was
 * whole: a next line that turns out not to be a delimiter row (still being written, or another text
 * that starts the same, e.g. a regenerated answer) left the list split from its lazy line.
 */
import { describe, expect, it } from 'vitest'
import { renderMarkdown, renderMarkdownWhole } from '../../demo/app/lib/markdown'

describe('renderMarkdown with a `|` line under a list item', () => {
  it('reads the list again when the line under it turns out not to be a delimiter row', () => {
    const text = '- x\ny|z\n    --|-x and more'
    for (let end = 1; end <= text.length; end++) renderMarkdown(text.slice(0, end))
    expect(renderMarkdown(text)).toBe(renderMarkdownWhole(text))
    expect(renderMarkdown(text)).toBe('<ul dir="auto">\n<li>x<br>\ny|z<br>\n--|-x and more</li>\n</ul>')
  })

  it('does not lend the list to another text with the same first lines', () => {
    renderMarkdown('- a\nb|c\n    --|--\n')
    const regenerated = '- a\nb|c\nmore'
    expect(renderMarkdown(regenerated)).toBe(renderMarkdownWhole(regenerated))
  })
})
