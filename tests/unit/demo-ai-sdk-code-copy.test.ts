/**
 * A code block's Copy on the /ai-sdk page: the button's new word ("Copied", "Copy failed") is not
 * read out by every screen reader, so the main chat says it in its live region (JobTurn.vue); the
 * /ai-sdk page said nothing. Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it, vi } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, textOf } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'

const page = usePage()

/** Clicks the Copy button of a code block holding `code` inside the rendered answer. */
function clickCodeCopy(root: FakeNode, code: string): void {
  const button = { textContent: 'Copy', closest: (selector: string) => (selector === '.code-block' ? block : null) }
  const block = { querySelector: () => ({ textContent: code }) }
  const answer = allNodes(root).find(node => typeof node.props.class === 'string' && node.props.class.includes('answer'))!
  ;(answer.props.onClick as (event: unknown) => void)({ target: { closest: (selector: string) => (selector === '.code-copy' ? button : null) } })
}

function heard(root: FakeNode): string {
  return textOf(allNodes(root).find(node => node.props['data-announcer'] !== undefined)!)
}

describe('/ai-sdk page: a code block copied', () => {
  it('says in its live region that the code was copied, or that the copy failed', async () => {
    page.loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Some code?' }] },
      { id: 'job-1', role: 'assistant', parts: [{ type: 'text', text: '```js\nlet a = 1\n```', state: 'done' }] },
    ]
    const root = page.mount()
    await settle()
    const writeText = vi.fn(async () => {})
    vi.stubGlobal('navigator', { clipboard: { writeText } })
    clickCodeCopy(root, 'let a = 1')
    await settle()
    expect(writeText).toHaveBeenCalledWith('let a = 1')
    expect(heard(root)).toContain('Copied to the clipboard.')

    // No Clipboard API and no execCommand (the copy by selection fails too).
    vi.stubGlobal('navigator', {})
    clickCodeCopy(root, 'let b = 2')
    await settle()
    expect(heard(root)).toContain('Copy failed')
  })
})
