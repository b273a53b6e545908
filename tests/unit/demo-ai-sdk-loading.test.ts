/**
 * A reloaded /ai-sdk chat, while its messages are first read: the page showed the new-chat intro
 * ("AI SDK chat … Ask for something long"), as if the conversation were gone, until the list came.
 * It now shows a loading placeholder, as the main chat's thread view does (ThreadEmptyState
 * `loading`); the intro is for a chat with no messages once they are read, or one opened as new.
 * Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, textOf } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'

const page = usePage()

function intro(root: FakeNode): boolean {
  return allNodes(root).some(item => item.tag === 'h1' && textOf(item) === 'AI SDK chat')
}
function loading(root: FakeNode): boolean {
  return allNodes(root).some(item => item.props['data-loading'] !== undefined && item.props['aria-busy'] === 'true')
}

describe('/ai-sdk page: a chat whose messages are still being read', () => {
  it('shows a loading placeholder, not the new-chat intro', async () => {
    let answer!: (value: unknown) => void
    page.messageReads = [async () => new Promise((resolve) => {
      answer = resolve
    })]
    const root = page.mount()
    await settle()
    expect({ intro: intro(root), loading: loading(root) }).toEqual({ intro: false, loading: true })

    answer({ messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] }, { id: 'job-1', role: 'assistant', parts: [{ type: 'text', text: 'Hi.', state: 'done' }] }] })
    await settle()
    expect({ intro: intro(root), loading: loading(root) }).toEqual({ intro: false, loading: false })
  })

  it('shows the intro once an empty chat is read', async () => {
    const root = page.mount()
    await settle()
    expect({ intro: intro(root), loading: loading(root) }).toEqual({ intro: true, loading: false })
  })
})
