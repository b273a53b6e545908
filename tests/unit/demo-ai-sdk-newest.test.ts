/**
 * On the /ai-sdk page a user who scrolled up while an answer streamed had no way back but
 * scrolling: the page stopped following (rightly) and showed nothing, where the main chat shows
 * "↓ Newest". It now shows the same button while the view is away from the newest message; it
 * goes back down, follows the answer again and hands the focus to the box.
 * Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, focusState } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'

const page = usePage()

type Scroller = FakeNode & { scrollTop: number, scrollHeight: number, clientHeight: number }

function conversation(root: FakeNode): Scroller {
  return allNodes(root).find(item => String(item.props.class ?? '').split(' ').includes('conversation'))! as Scroller
}

function newest(root: FakeNode): FakeNode | undefined {
  return allNodes(root).find(item => item.tag === 'button' && item.props['aria-label'] === 'Newest message')
}

function scroll(element: Scroller, top: number): void {
  element.scrollTop = top
  const handler = (element.props.onScrollPassive ?? element.props.onScroll) as () => void
  handler()
}

describe('/ai-sdk page: scrolled up while the chat goes on', () => {
  it('offers "Newest", which goes back down, follows again and focuses the box', async () => {
    page.loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Tell me something long' }] },
      { id: 'job-1', role: 'assistant', parts: [{ type: 'text', text: 'Paragraph 1…', state: 'done' }] },
    ]
    const root = page.mount()
    await settle()
    const view = conversation(root)
    Object.assign(view, { scrollHeight: 3000, clientHeight: 500, scrollTop: 2500 })
    scroll(view, 2500)
    await settle()
    expect(newest(root)).toBeUndefined()

    // The user scrolls up to read.
    scroll(view, 1200)
    await settle()
    const button = newest(root)
    expect(button).toBeDefined()

    ;(button!.props.onClick as () => void)()
    await settle()
    expect(view.scrollTop).toBe(3000)
    expect(newest(root)).toBeUndefined()
    expect(focusState.active?.tag).toBe('textarea')
  })
})
