/**
 * A message sent on the /ai-sdk page while the server could not be reached, in a chat that already
 * has an answer: the page takes the unsent message out of the chat and puts its text back in the
 * box, which leaves that earlier answer last. The broken-stream wording (chat-error.ts
 * STREAM_BROKE_TEXT) was chosen by "an assistant message is last", so the page said "your message
 * was sent and its answer may still be running there" under a message it had just handed back
 * unsent. Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it, vi } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, textOf } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'
import { STREAM_BROKE_TEXT } from '../../demo/app/lib/chat-error'

const page = usePage()

function box(root: FakeNode): FakeNode {
  return allNodes(root).find(item => item.tag === 'textarea')!
}

async function send(root: FakeNode, text: string): Promise<void> {
  const input = box(root)
  input.value = text
  for (const listener of input.listeners.input ?? []) listener({ target: input })
  await settle()
  const form = allNodes(root).find(item => item.tag === 'form')!
  ;(form.props.onSubmit as (event: unknown) => void)({ preventDefault: () => {}, stopPropagation: () => {} })
  await settle()
}

function alerts(root: FakeNode): string[] {
  return allNodes(root).filter(item => item.props.role === 'alert').map(item => textOf(item).trim())
}

describe('/ai-sdk page: a message that got no response, after an earlier answer', () => {
  it('says it was not sent, not that its answer may still be running', async () => {
    page.loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] },
      { id: 'job-1', role: 'assistant', parts: [{ type: 'text', text: 'Hi there.', state: 'done' }] },
    ]
    const root = page.mount()
    await settle()
    const reachable = globalThis.fetch
    vi.stubGlobal('fetch', async (url: string, init?: { method?: string }) => {
      // What a browser's fetch does when nothing answers.
      if (init?.method === 'POST') throw new TypeError('Failed to fetch')
      return reachable(url, init as RequestInit)
    })
    await send(root, 'Are you there?')
    expect(box(root).value).toBe('Are you there?')
    expect(alerts(root).join(' ')).not.toContain(STREAM_BROKE_TEXT)
    expect(alerts(root)).toEqual(['Couldn’t reach the server — your message wasn’t sent. Try again.'])
  })
})
