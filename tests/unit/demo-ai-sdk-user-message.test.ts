/**
 * The user's message on the /ai-sdk page is shown as the main chat shows it (UserMessage.vue): one
 * line of text in a bubble of the main chat's height (its paragraph is `user-text`, without the
 * paragraph's margins: the page's bubbles were a line taller, top and bottom), a "You said:"
 * heading for screen readers, and a long one folded to a few lines with "Show all" — a pasted
 * document filled screens of the chat, with nothing to close it.
 * Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it } from 'vitest'
import { allNodes, buttons, textOf } from '../support/demo-client-render'
import { click } from '../support/ai-sdk-composer'
import { settle, usePage } from '../support/ai-sdk-page'

const page = usePage()

describe('/ai-sdk page: the user\'s message', () => {
  it('is the main chat\'s bubble: its text without margins, a heading for screen readers, a long one folded', async () => {
    const long = 'A pasted document. '.repeat(60)
    page.loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] },
      { id: 'job-1', role: 'assistant', parts: [{ type: 'text', text: 'Hi!' }] },
      { id: 'u2', role: 'user', parts: [{ type: 'text', text: long }] },
    ]
    const root = page.mount()
    await settle()
    const bubbles = allNodes(root).filter(item => String(item.props.class ?? '').includes('bubble-user'))
    expect(bubbles).toHaveLength(2)
    for (const bubble of bubbles) {
      expect(allNodes(bubble).some(item => item.tag === 'p' && String(item.props.class).includes('user-text'))).toBe(true)
      expect(allNodes(bubble).find(item => item.tag === 'h2' && String(item.props.class).includes('visually-hidden'))).toBeDefined()
      expect(textOf(allNodes(bubble).find(item => item.tag === 'h2')!).trim()).toBe('You said:')
    }
    expect(bubbles[0]!.props['data-folded']).toBeUndefined()
    expect(bubbles[1]!.props['data-folded']).toBe('true')
    const open = buttons(root, `Show all (${long.length.toLocaleString('en')} characters)`)
    expect(open).toHaveLength(1)
    click(open[0]!)
    await settle()
    expect(bubbles[1]!.props['data-folded']).toBeUndefined()
    expect(buttons(root, 'Show less')).toHaveLength(1)
  })
})
