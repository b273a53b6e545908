/**
 * The closed blocks the Markdown renderer keeps (demo/app/lib/markdown-prefixes.ts) are shared by
 * every render, the server's too. They were bounded in count (8) but not in size, and each holds
 * its text, its HTML and the markdown-it tokens of every closed block from the text's start (about
 * 40 bytes a character): eight long answers or workflow outputs rendered once stayed in memory
 * whole until eight others came — about 600 MB after rendering eight 1.8 MB texts. The text they
 * stand for is now bounded, and so with it what they hold.
 */
import { describe, expect, it } from 'vitest'
import { renderMarkdown, renderMarkdownWhole } from '../../demo/app/lib/markdown'
import { prefixOf } from '../../demo/app/lib/markdown-prefixes'

/** A long answer (about 90,000 characters) whose last block has a whole first line, so its closed blocks are kept. */
function longAnswer(index: number): string {
  return `Answer ${index}: a paragraph with **bold**, \`code\` and a [link](https://example.com/${index}).\n\n`.repeat(1_100) + '- one\n- two'
}

describe('the kept Markdown prefixes', () => {
  it('stand for a bounded amount of text however many long texts are rendered', () => {
    const texts = Array.from({ length: 8 }, (_, index) => longAnswer(index))
    for (const text of texts) expect(renderMarkdown(text).length).toBeGreaterThan(0)
    const kept = texts.map(text => prefixOf(text)?.key.length ?? 0)
    expect(kept.reduce((sum, chars) => sum + chars, 0)).toBeLessThanOrEqual(500_000)
    // The last one rendered is still kept, and a text that starts with it reads the same as whole.
    expect(kept.at(-1)).toBeGreaterThan(0)
    const longer = `${texts.at(-1)}\n\nA last paragraph.`
    expect(renderMarkdown(longer)).toBe(renderMarkdownWhole(longer))
  })

  it('keep the others when a text longer than they may hold is rendered', () => {
    const short = 'A short answer.\n\n- one\n- two'
    renderMarkdown(short)
    expect(prefixOf(short)).not.toBeNull()
    const huge = `${'A paragraph of a very long answer.\n\n'.repeat(15_000)}- one\n- two`
    expect(renderMarkdown(huge)).toBe(renderMarkdownWhole(huge))
    // Kept apart, without its tokens (tests/unit/demo-markdown-long-prefix.test.ts).
    expect(prefixOf(huge)?.tokens).toBeNull()
    expect(prefixOf(short)).not.toBeNull()
  })
})
