/**
 * A finished answer on the /ai-sdk page has a Copy button, as every answer of the main chat has
 * (JobTurn.vue) and as users of chat apps expect: it copies the answer's text (its Markdown, the
 * text parts joined, no reasoning or tool calls), the button says "Copied" for a moment and the
 * page's live region says it. An answer still streaming has none yet. Before, the page had Copy
 * only on code blocks: copying an answer meant selecting it by hand.
 * Page rendered by tests/support/ai-sdk-page.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { COPIED_FEEDBACK_MS } from '../../demo/app/composables/useCopy'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, buttons, textOf } from '../support/demo-client-render'
import { click, sendHelloAndStream } from '../support/ai-sdk-composer'
import { settle, usePage } from '../support/ai-sdk-page'

const page = usePage()

function heard(root: FakeNode): string {
  return textOf(allNodes(root).find(node => node.props['data-announcer'] !== undefined)!)
}

/** The Copy buttons of whole answers (not a code block's, which is inside the rendered Markdown). */
function answerCopies(root: FakeNode): FakeNode[] {
  return allNodes(root).filter(item => item.tag === 'button' && String(item.props.class ?? '').includes('copy-answer'))
}

describe('/ai-sdk page: an answer copied', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('copies a finished answer\'s text, says "Copied", and tells the live region', async () => {
    page.loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Two paragraphs?' }] },
      {
        id: 'job-1',
        role: 'assistant',
        parts: [
          { type: 'reasoning', text: 'Thinking it over', state: 'done' },
          { type: 'text', text: 'First **one**.', state: 'done' },
          { type: 'text', text: 'And the second.', state: 'done' },
        ],
      },
    ]
    const root = page.mount()
    await settle()
    const writeText = vi.fn(async () => {})
    vi.stubGlobal('navigator', { clipboard: { writeText } })
    expect(answerCopies(root)).toHaveLength(1)
    // "Copied" lasts COPIED_FEEDBACK_MS on a timer: a fake one, so that a worker starved for that
    // long under load does not see "Copy" again before it reads the word. (Only the timeouts:
    // settle() still turns the event loop with setImmediate.)
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    click(buttons(root, 'Copy').find(button => answerCopies(root).includes(button))!)
    await settle()
    expect(writeText).toHaveBeenCalledWith('First **one**.\n\nAnd the second.')
    expect(textOf(answerCopies(root)[0]!).trim()).toBe('Copied')
    expect(heard(root)).toContain('Copied to the clipboard.')
    vi.advanceTimersByTime(COPIED_FEEDBACK_MS)
    await settle()
    expect(textOf(answerCopies(root)[0]!).trim()).toBe('Copy')
  })

  it('offers no Copy on an answer still streaming', async () => {
    const root = page.mount()
    await settle()
    await sendHelloAndStream(page, root)
    expect(answerCopies(root)).toHaveLength(0)
  })
})
